/**
 * Kafka topic names. Delivery is at-least-once on the wire; a consumer that deduplicates by the event
 * `id` sees each event exactly once, and one order's events arrive in `sequence` order (key = order id).
 */
export const topics = {
  /** Every order saga transition, as CloudEvents (structured JSON), key = order id. */
  orderEvents: 'fusioncommerce.order-events.v1',
  /** Inbound commands for running sagas (review decisions, cancellations), key = order id. */
  orderCommands: 'fusioncommerce.order-commands.v1',
  /** Commands that were invalid or refused, with the reason in the headers and the body. */
  orderCommandsDeadLetter: 'fusioncommerce.order-commands.dlq.v1',
  /** Catalog changes such as product.created, key = SKU. */
  catalogEvents: 'fusioncommerce.catalog-events.v1',
} as const;

export type TopicName = (typeof topics)[keyof typeof topics];
