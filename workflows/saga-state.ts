/** The saga's observable state: status query, timeline, search attributes and the UI's current details. */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { OrderState } from '../contracts/order-state';
import type { OrderStatus } from '../contracts/order-lifecycle';
import type { PricedOrder } from '../contracts/order';
import { formatMoney } from '../contracts/money';
import { FraudDecisionKey, OrderStatusKey } from './search-attributes';

const stepDescriptions: Record<OrderStatus, string> = {
  received: 'Order received',
  reserving: 'Reserving inventory',
  assessing_fraud: 'Running the fraud check',
  awaiting_review: 'Held for fraud review: waiting for an operator or n8n to decide',
  confirming: 'Committing the reservation',
  confirmed: 'Confirmed',
  compensating: 'Compensating: undoing completed steps in reverse',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

export class SagaState {
  readonly state: OrderState;

  /** The client sets the first search attributes (status received, customer, total) at start. */
  constructor(order: PricedOrder) {
    this.state = {
      orderId: order.orderId,
      status: 'received',
      order,
      compensations: [],
      eventsPublished: 0,
      timeline: [],
    };
    this.transition('received');
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  /**
   * Records a transition in the status query, the timeline and the UI's current details. Search
   * attributes follow only through `publishSearchAttributes`: each upsert is a visibility write, and the
   * steps between two waits take milliseconds, so nobody could filter on them anyway.
   */
  transition(status: OrderStatus, note?: string): void {
    this.state.status = status;
    this.state.timeline.push({ status, at: new Date().toISOString(), ...(note ? { note } : {}) });
    this.refreshDetails(note);
  }

  /** One upsert with what an operator filters on: where the order waits (review) or how it ended. */
  publishSearchAttributes(): void {
    const { status, fraud } = this.state;
    upsertSearchAttributes([
      { key: OrderStatusKey, value: status },
      ...(fraud ? [{ key: FraudDecisionKey, value: fraud.decision }] : []),
    ]);
  }

  refreshDetails(note?: string): void {
    const { order, status, fraud, reservation, payment } = this.state;
    const lines = [
      `**${stepDescriptions[status]}**${note ? `: ${note}` : ''}`,
      `Order ${order.orderId} for customer ${order.customerId}, ${formatMoney(order.totalMinor, order.currency)}`,
      ...(reservation ? [`Reservation: ${reservation.status}`] : []),
      ...(payment
        ? [
            `Payment: ${payment.status}, ${formatMoney(payment.amountMinor, payment.currency)}${payment.paymentIntentId ? ` (${payment.paymentIntentId})` : ''}${payment.declineCode ? ` — ${payment.declineCode}` : ''}`,
          ]
        : []),
      ...(fraud
        ? [
            `Fraud: ${fraud.decision} (score ${fraud.score}: ${fraud.reasons.map((r) => r.code).join(', ') || 'no signals'})`,
          ]
        : []),
      ...(this.state.compensations.length > 0
        ? [`Compensation: ${this.state.compensations.map((c) => `${c.step} ${c.outcome}`).join(', ')}`]
        : []),
    ];
    setCurrentDetails(lines.join('\n\n'));
  }
}
