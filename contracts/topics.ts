/**
 * Kafka topic names. Delivery is at-least-once on the wire; a consumer that deduplicates by the event
 * `id` sees each event exactly once, and one order's events arrive in `sequence` order (key = order id).
 */
export const topics = {
  /** Every order saga transition, as CloudEvents (structured JSON), key = order id. */
  orderEvents: 'fusioncommerce.order-events.v1',
  /** order.confirmed, order.cancelled and order.rejected only (the same messages), key = order id. */
  orderOutcomes: 'fusioncommerce.order-outcomes.v1',
  /** order.review_required only, key = order id. */
  fraudReviews: 'fusioncommerce.fraud-reviews.v1',
  /** inventory.insufficient only, key = order id. */
  stockAlerts: 'fusioncommerce.stock-alerts.v1',
  /**
   * Alerts about orders that are not the saga's own transitions (order.stalled from the stalled-order
   * watchdog): CloudEvents without a sequence, key = order id. Apart from `orderEvents`, whose readers
   * check that each order's sequence runs 1, 2, 3 … without gaps.
   */
  orderAlerts: 'fusioncommerce.order-alerts.v1',
  /** Group-deal events (group.opened … group.failed), CloudEvents, key = deal id. */
  groupEvents: 'fusioncommerce.group-events.v1',
  /** Inbound commands for running sagas (review decisions, cancellations), key = order id. */
  orderCommands: 'fusioncommerce.order-commands.v1',
  /** Commands that were invalid or refused, with the reason in the headers and the body. */
  orderCommandsDeadLetter: 'fusioncommerce.order-commands.dlq.v1',
  /**
   * Catalog changes such as product.created, CloudEvents without a sequence (one event per product), key =
   * SKU; written to the outbox with the product and published by the relay like the order events.
   */
  catalogEvents: 'fusioncommerce.catalog-events.v1',
} as const;

export type TopicName = (typeof topics)[keyof typeof topics];

/**
 * Narrow topics the outbox relay writes besides `orderEvents`, by event type. A consumer that acts on a
 * few types (each shipped n8n workflow) reads only those, instead of parsing and dropping every event.
 * Each copy is the very same message (same id, key and sequence), so deduplication still works.
 */
export const narrowTopicsByEventType: Readonly<Record<string, readonly TopicName[]>> = {
  'order.confirmed': [topics.orderOutcomes],
  'order.cancelled': [topics.orderOutcomes],
  'order.rejected': [topics.orderOutcomes],
  'order.review_required': [topics.fraudReviews],
  'inventory.insufficient': [topics.stockAlerts],
};

/** Event types the outbox carries beside the order stream, each to a topic of its own only. */
const ownTopicByEventType: Readonly<Record<string, TopicName>> = {
  'order.stalled': topics.orderAlerts,
};

/** Every topic an order event of this type is written to, the full stream first. */
export function topicsForOrderEvent(type: string): TopicName[] {
  // The outbox carries group-deal events too: they go to their own topic of the family.
  if (type.startsWith('group.')) return [topics.groupEvents];
  // And the catalog's (product.created, written by the API with the product): the catalog topic only.
  if (type.startsWith('product.')) return [topics.catalogEvents];
  const own = ownTopicByEventType[type];
  if (own) return [own];
  return [topics.orderEvents, ...(narrowTopicsByEventType[type] ?? [])];
}
