/**
 * Domain events: a CloudEvents 1.0 envelope plus a per-order `sequence`, one data schema per event type.
 * The `id` is derived from the workflow id and the sequence, so a republished event keeps its id.
 */
import { z } from 'zod';
import { FraudDecision, FraudReason } from './fraud';
import { ReservationLine, StockShortage } from './inventory';
import { CurrencyCode, MinorUnits, Sku } from './order';

const orderRef = { orderId: z.string() };
const money = { totalMinor: MinorUnits, currency: CurrencyCode };

export const RejectionCode = z.enum([
  'insufficient_stock',
  'fraud_rejected',
  'review_rejected',
  'review_timeout',
  'invalid_order',
  'payment_declined',
  'step_failed',
]);
export type RejectionCode = z.infer<typeof RejectionCode>;

/** Event type → data schema. Customer contact data never goes on the bus; the customer id does. */
export const orderEventData = {
  'order.created': z.object({
    ...orderRef,
    customerId: z.string(),
    lines: z.array(z.object({ sku: Sku, quantity: z.number().int().positive(), unitPriceMinor: MinorUnits })),
    ...money,
    placedAt: z.iso.datetime(),
  }),
  'inventory.reserved': z.object({ ...orderRef, lines: z.array(ReservationLine) }),
  'inventory.insufficient': z.object({ ...orderRef, shortages: z.array(StockShortage).min(1) }),
  'fraud.assessed': z.object({
    ...orderRef,
    decision: FraudDecision,
    score: z.number().int(),
    reasons: z.array(FraudReason),
  }),
  'order.review_required': z.object({
    ...orderRef,
    customerId: z.string(),
    ...money,
    score: z.number().int(),
    reasons: z.array(FraudReason),
    reviewDeadline: z.iso.datetime(),
  }),
  'order.review_decided': z.object({
    ...orderRef,
    decision: z.enum(['approve', 'reject']),
    reviewer: z.string(),
    note: z.string().optional(),
    timedOut: z.boolean(),
  }),
  'order.confirmed': z.object({ ...orderRef, customerId: z.string(), ...money }),
  'inventory.released': z.object({ ...orderRef, lines: z.array(ReservationLine) }),
  'order.cancelled': z.object({
    ...orderRef,
    customerId: z.string(),
    ...money,
    reason: z.string(),
    requestedBy: z.string(),
  }),
  'order.rejected': z.object({
    ...orderRef,
    customerId: z.string(),
    ...money,
    code: RejectionCode,
    reason: z.string(),
  }),
  'payment.authorized': z.object({
    ...orderRef,
    paymentIntentId: z.string(),
    amountMinor: MinorUnits,
    currency: CurrencyCode,
  }),
  'payment.declined': z.object({
    ...orderRef,
    amountMinor: MinorUnits,
    currency: CurrencyCode,
    declineCode: z.string(),
    reason: z.string(),
  }),
  'payment.captured': z.object({
    ...orderRef,
    paymentIntentId: z.string(),
    amountMinor: MinorUnits,
    currency: CurrencyCode,
  }),
  'payment.voided': z.object({
    ...orderRef,
    paymentIntentId: z.string(),
    amountMinor: MinorUnits,
    currency: CurrencyCode,
  }),
  'payment.refunded': z.object({
    ...orderRef,
    paymentIntentId: z.string(),
    refundId: z.string(),
    amountMinor: MinorUnits,
    currency: CurrencyCode,
  }),
  'notification.sent': z.object({
    ...orderRef,
    kind: z.string(),
    channel: z.literal('email'),
    messageId: z.string(),
  }),
  'notification.failed': z.object({
    ...orderRef,
    kind: z.string(),
    channel: z.literal('email'),
    error: z.string(),
  }),
} as const;

export type OrderEventType = keyof typeof orderEventData;
export const orderEventTypes = Object.keys(orderEventData) as OrderEventType[];
export type OrderEventData<T extends OrderEventType> = z.infer<(typeof orderEventData)[T]>;

/** The CloudEvents envelope every event of this product carries (order and group-deal events alike). */
export const envelopeFields = {
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  subject: z.string().min(1),
  time: z.iso.datetime(),
  datacontenttype: z.literal('application/json'),
  /** 1, 2, 3 … per order (per deal for group events), without gaps: a missing or repeated event shows. */
  sequence: z.number().int().positive(),
};

/** The envelope schema of one event type (exported as JSON Schema for consumers). */
export function envelopeFor<T extends OrderEventType>(type: T) {
  return z.object({ ...envelopeFields, type: z.literal(type), data: orderEventData[type] });
}

export const OrderEvent = z.discriminatedUnion(
  'type',
  orderEventTypes.map((t) => envelopeFor(t)) as unknown as [
    ReturnType<typeof envelopeFor>,
    ...ReturnType<typeof envelopeFor>[],
  ],
);

/** A typed event: the envelope with the data of its own type. */
export type OrderEvent = {
  [T in OrderEventType]: Omit<z.infer<ReturnType<typeof envelopeFor<T>>>, 'type' | 'data'> & {
    type: T;
    data: OrderEventData<T>;
  };
}[OrderEventType];

export { EVENT_SOURCE, orderEventId, stampedOrderEvent } from './event-stamp';
export type { EventStamp } from './event-stamp';

/** Catalog events (not part of a saga), keyed by SKU. */
export const ProductCreated = z.object({
  ...envelopeFields,
  sequence: envelopeFields.sequence.optional(),
  type: z.literal('product.created'),
  data: z.object({ sku: Sku, name: z.string(), priceMinor: MinorUnits, currency: CurrencyCode }),
});
export type ProductCreated = z.infer<typeof ProductCreated>;
