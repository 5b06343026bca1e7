/** FROZEN copy for sagas started before the outbox (see order-saga-v1.ts).  The saga's observable state: status query, timeline, search attributes and the UI's current details. */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { OrderState } from '../../contracts/order-state';
import type { OrderStatus } from '../../contracts/order-lifecycle';
import type { PricedOrder } from '../../contracts/order';
import { formatMoney } from '../../contracts/money';
import { CustomerIdKey, FraudDecisionKey, OrderStatusKey, OrderTotalKey } from '../search-attributes';

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

  constructor(order: PricedOrder) {
    this.state = {
      orderId: order.orderId,
      status: 'received',
      order,
      compensations: [],
      eventsPublished: 0,
      timeline: [],
    };
    upsertSearchAttributes([
      { key: CustomerIdKey, value: order.customerId },
      { key: OrderTotalKey, value: order.totalMinor / 100 },
    ]);
    this.transition('received');
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  /** Records a transition everywhere an operator or client can see it. */
  transition(status: OrderStatus, note?: string): void {
    this.state.status = status;
    this.state.timeline.push({ status, at: new Date().toISOString(), ...(note ? { note } : {}) });
    upsertSearchAttributes([{ key: OrderStatusKey, value: status }]);
    this.refreshDetails(note);
  }

  recordFraudDecision(decision: string): void {
    upsertSearchAttributes([{ key: FraudDecisionKey, value: decision }]);
  }

  refreshDetails(note?: string): void {
    const { order, status, fraud, reservation } = this.state;
    const lines = [
      `**${stepDescriptions[status]}**${note ? `: ${note}` : ''}`,
      `Order ${order.orderId} for customer ${order.customerId}, ${formatMoney(order.totalMinor, order.currency)}`,
      ...(reservation ? [`Reservation: ${reservation.status}`] : []),
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
