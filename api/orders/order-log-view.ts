/**
 * An order's state rebuilt from what it wrote down: its start input and the events in the outbox (the
 * same events every consumer sees) plus its fraud assessment. The API answers with it when the saga's
 * own `status` query cannot answer in time — the query runs on an order worker, which may be down or
 * busy with a backlog, while these records are in PostgreSQL and Temporal's history. It follows the
 * saga's transitions, one per event; what no event records is absent from it: a compensation shows only
 * when its event proves it undid something, and a cancellation is dated by its event.
 */
import type { OrderEvent } from '../../contracts/events';
import { compensationNames } from '../../contracts/order-lifecycle';
import type { FraudAssessment } from '../../contracts/fraud';
import type { PricedOrder } from '../../contracts/order';
import type { OrderState } from '../../contracts/order-state';
import type { OrderStatus } from '../../contracts/order-status';

export interface OrderLog {
  order: PricedOrder;
  /** When the saga started (its timeline's first entry). */
  startedAt: string;
  /** The order's events in sequence order, without gaps, starting at 1. */
  events: readonly OrderEvent[];
  fraud?: FraudAssessment;
}

export class IncompleteOrderLogError extends Error {}

export function orderStateFromLog(log: OrderLog): OrderState {
  const { order } = log;
  const state: OrderState = {
    orderId: order.orderId,
    status: 'received',
    order,
    compensations: [],
    eventsPublished: 0,
    timeline: [{ status: 'received', at: log.startedAt }],
  };
  const transition = (status: OrderStatus, at: string, note?: string) => {
    state.status = status;
    state.timeline.push({ status, at, ...(note ? { note } : {}) });
  };

  for (const event of log.events) {
    // Events older than the outbox keeps (OUTBOX_RETENTION_HOURS) are gone: a partial log is no view.
    if (event.sequence !== state.eventsPublished + 1) {
      throw new IncompleteOrderLogError(
        `order ${order.orderId}: event ${state.eventsPublished + 1} is missing from the log (found ${event.sequence})`,
      );
    }
    state.eventsPublished = event.sequence;
    const at = event.time;
    switch (event.type) {
      case 'order.created':
        transition('reserving', at);
        break;
      case 'inventory.reserved':
        state.reservation = { orderId: order.orderId, status: 'reserved', lines: event.data.lines };
        transition('assessing_fraud', at);
        break;
      case 'inventory.insufficient':
        state.shortages = event.data.shortages;
        state.reservation = { orderId: order.orderId, status: 'insufficient', lines: [] };
        break;
      case 'fraud.assessed':
        // Written in the same transaction as the event; the event alone lacks the thresholds.
        if (log.fraud) state.fraud = log.fraud;
        break;
      case 'order.review_required':
        transition('awaiting_review', at, `decision due by ${event.data.reviewDeadline}`);
        break;
      case 'order.review_decided': {
        const { decision, reviewer, note } = event.data;
        state.review = { decision, reviewer, ...(note ? { note } : {}), decidedAt: at };
        break;
      }
      case 'order.confirmed':
        if (state.reservation) state.reservation = { ...state.reservation, status: 'committed' };
        if (state.status !== 'confirming') transition('confirming', at);
        transition('confirmed', at);
        break;
      case 'inventory.released':
        state.reservation = { orderId: order.orderId, status: 'released', lines: event.data.lines };
        state.compensations.push({ step: compensationNames.releaseInventory, outcome: 'done' });
        if (state.status !== 'compensating') transition('compensating', at);
        break;
      case 'order.cancelled':
        // The saga compensates before every outcome but confirmation, also when there was nothing to undo.
        if (state.status !== 'compensating') transition('compensating', at, event.data.reason);
        state.cancellation = {
          reason: event.data.reason,
          requestedBy: event.data.requestedBy,
          requestedAt: at,
        };
        state.reason = event.data.reason;
        transition('cancelled', at, event.data.reason);
        break;
      case 'order.rejected':
        if (state.status !== 'compensating') transition('compensating', at, event.data.reason);
        state.reason = event.data.reason;
        transition('rejected', at, event.data.reason);
        break;
      case 'payment.authorized':
      case 'payment.captured': {
        const { paymentIntentId, amountMinor, currency } = event.data;
        const captured = event.type === 'payment.captured';
        state.payment = {
          status: captured ? 'captured' : 'authorized',
          paymentIntentId,
          amountMinor,
          currency,
        };
        // The saga captures once it is confirming, before it commits the reservation.
        if (captured) transition('confirming', at);
        break;
      }
      case 'payment.voided':
      case 'payment.refunded': {
        const { paymentIntentId, amountMinor, currency } = event.data;
        const status = event.type === 'payment.voided' ? 'voided' : 'refunded';
        state.payment = { status, paymentIntentId, amountMinor, currency };
        state.compensations.push({ step: compensationNames.voidPayment, outcome: 'done' });
        if (state.status !== 'compensating') transition('compensating', at);
        break;
      }
      case 'payment.declined': {
        const { amountMinor, currency, declineCode, reason } = event.data;
        state.payment = { status: 'declined', amountMinor, currency, declineCode, reason };
        break;
      }
      case 'notification.sent':
        state.notification = { kind: event.data.kind, outcome: 'sent' };
        break;
      case 'notification.failed':
        state.notification = { kind: event.data.kind, outcome: 'failed', detail: event.data.error };
        break;
    }
  }
  return state;
}
