/**
 * Alerts about orders, raised by the stalled-order watchdog (api/operator/stalled-orders/) rather than by the saga.
 * They carry no `sequence`: an order's numbered stream (contracts/events.ts) holds the saga's own
 * transitions, whose contiguity consumers check, and an alert raised beside the saga must not take a
 * number in it. For the same reason they travel on a topic of their own (`topics.orderAlerts`).
 */
import { z } from 'zod';
import { envelopeFields } from './events';

export const ORDER_ALERT_SOURCE = '/fusioncommerce/stalled-order-watchdog';

/**
 * Only facts that stay the same for the whole stall, so every API process that finds the order writes the
 * very same event (the outbox keeps the first and refuses a different one under the same id).
 */
export const OrderStalledData = z.object({
  orderId: z.string(),
  /** When the saga started. */
  startedAt: z.iso.datetime(),
  /** Orders that were held: when the review was decided (the bound counts from then). */
  reviewDecidedAt: z.iso.datetime().optional(),
  /** From when the order has not moved: its start, or its review decision. */
  stalledSince: z.iso.datetime(),
});
export type OrderStalledData = z.infer<typeof OrderStalledData>;

/** `order.stalled`: the CloudEvents envelope without a sequence; `time` is when the watchdog found it. */
export const OrderStalled = z
  .object(envelopeFields)
  .omit({ sequence: true })
  .extend({ type: z.literal('order.stalled'), data: OrderStalledData });
export type OrderStalled = z.infer<typeof OrderStalled>;

/**
 * One alert per order and stall: `watchdog:` keeps it apart from the saga's ids (`order-<orderId>:<n>`),
 * and the time the stall began tells a later stall of the same order (after its review) from this one.
 */
export function orderStalledEventId(orderId: string, stalledSince: string): string {
  return `watchdog:order-${orderId}:${stalledSince}`;
}
