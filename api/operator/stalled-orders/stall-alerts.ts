/**
 * The watchdog's alert: one `order.stalled` event per order and stall, written to the outbox for the relay
 * to publish on `fusioncommerce.order-alerts.v1` (contracts/topics.ts). Every API process runs a watchdog
 * and finds the same stalled orders; the event id (contracts/order-alerts.ts) is the outbox's primary
 * key, so the first process to write an alert wins and the others insert nothing.
 */
import type { Pool } from 'pg';
import { ORDER_ALERT_SOURCE, orderStalledEventId } from '../../../contracts/order-alerts';
import type { OrderStalled } from '../../../contracts/order-alerts';
import { writeToOutbox } from '../../../platform/outbox';
import type { StalledOrder, StalledOrderCheck } from './stalled-order-finder';

export function orderStalledEvent(order: StalledOrder, foundAt: Date): OrderStalled {
  const stalledSince = order.stalledSince.toISOString();
  return {
    specversion: '1.0',
    id: orderStalledEventId(order.orderId, stalledSince),
    source: ORDER_ALERT_SOURCE,
    type: 'order.stalled',
    subject: order.orderId,
    time: foundAt.toISOString(),
    datacontenttype: 'application/json',
    data: {
      orderId: order.orderId,
      startedAt: order.startedAt.toISOString(),
      ...(order.reviewDecidedAt ? { reviewDecidedAt: order.reviewDecidedAt.toISOString() } : {}),
      stalledSince,
    },
  };
}

/**
 * The alerts a check may raise. An alert stays in the outbox at least `retentionMs` after it was written
 * (OUTBOX_RETENTION_HOURS, counted from its publication), and none is written before its order passed the
 * bound, so up to bound + retention after the stall began a second write still finds the first. A stall
 * older than that is not raised: its alert may be gone, and writing it again would repeat it. Such an
 * order stays on the route and the gauge.
 */
export function alertsToRaise(check: StalledOrderCheck, retentionMs: number): OrderStalled[] {
  const oldest = check.checkedAt.getTime() - check.stalledAfterMs - retentionMs;
  return check.orders
    .filter((order) => order.stalledSince.getTime() > oldest)
    .map((order) => orderStalledEvent(order, check.checkedAt));
}

/** Writes the alerts of a check to the outbox; returns how many were new. */
export async function raiseStallAlerts(
  pool: Pool,
  check: StalledOrderCheck,
  retentionMs: number,
): Promise<number> {
  return writeToOutbox(pool, alertsToRaise(check, retentionMs));
}
