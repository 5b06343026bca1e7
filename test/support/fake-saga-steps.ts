/**
 * In-memory stand-ins for the saga's steps, for workflow tests that run no database. Each answers the way
 * its PostgreSQL counterpart in activities/ does, as far as the saga can tell (the same results, and the
 * same events written to an outbox when it succeeds; a failing attempt writes nothing, as its transaction
 * would roll back). Each is a jest mock, so a test can make one fail and count the calls.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { FraudActivities } from '../../activities/fraud';
import type { InventoryActivities } from '../../activities/inventory';
import type { NotificationActivities } from '../../activities/notification';
import { createOrderIntakeActivities } from '../../activities/order-intake';
import type { OrderIntakeActivities } from '../../activities/order-intake';
import type { OutboxActivities } from '../../activities/outbox';
import type { PaymentActivities } from '../../activities/payment';
import type { SagaProgressActivities } from '../../activities/saga-progress';
import type { GroupEvent } from '../../contracts/group-events';
import type { Payment } from '../../contracts/payment';
import { stampedOrderEvent } from '../../contracts/events';
import type { OrderEvent, OrderEventType } from '../../contracts/events';
import type { FraudAssessment, FraudDecision } from '../../contracts/fraud';
import { InventoryFailureType } from '../../contracts/inventory';
import type { Reservation } from '../../contracts/inventory';

/** Exactly the activities the saga proxies (workflows/saga-steps.ts). */
type SagaStepActivities = OrderIntakeActivities &
  InventoryActivities &
  FraudActivities &
  OutboxActivities &
  NotificationActivities &
  PaymentActivities &
  SagaProgressActivities;

export type FakeSagaSteps = {
  [K in keyof SagaStepActivities]: jest.MockedFunction<SagaStepActivities[K]>;
} & {
  /** Every event the steps wrote, in the order they wrote them: what the relay would put on Kafka. */
  readonly outbox: OrderEvent[];
  /** Group-deal events, likewise. */
  readonly groupOutbox: GroupEvent[];
  /** Payments by order id, as the payment steps left them. */
  readonly payments: Map<string, Payment>;
};

/** The payment method the fake provider declines, as the stack's payment server does. */
export const DECLINED_METHOD = 'pm_card_chargeCustomerFail';

const thresholds = { review: 50, reject: 90 };
/** An assessment of each decision, scored as the real rules would score such an order. */
const assessments: Record<FraudDecision, FraudAssessment> = {
  approve: { decision: 'approve', score: 10, reasons: [], thresholds },
  review: {
    decision: 'review',
    score: 60,
    reasons: [{ code: 'high_amount', score: 60, detail: 'total 900.00 EUR is at least 500.00 EUR' }],
    thresholds,
  },
  reject: {
    decision: 'reject',
    score: 100,
    reasons: [{ code: 'blocklisted_email', score: 100, detail: 'the e-mail address is blocklisted' }],
    thresholds,
  },
};

/** A fake step: `body` runs at once, and its result, or what it throws, becomes the step's answer. */
function fakeStep<A extends unknown[], R>(body: (...args: A) => R): jest.Mock<Promise<R>, A> {
  return jest.fn((...args: A) => new Promise<R>((resolve) => resolve(body(...args))));
}

/** Steps whose fraud check decides `fraud`; every other step succeeds unless a test says otherwise. */
export function fakeSagaSteps(fraud: FraudDecision = 'approve'): FakeSagaSteps {
  const outbox: OrderEvent[] = [];
  const groupOutbox: GroupEvent[] = [];
  const reservations = new Map<string, Reservation>();
  const payments = new Map<string, Payment>();

  return {
    outbox,
    groupOutbox,
    payments,
    // The real input check: it is pure, and the saga's contract is what the tests exercise.
    acceptOrder: jest.fn(createOrderIntakeActivities().acceptOrder),
    reserveInventory: fakeStep(({ orderId, lines, events }) => {
      const existing = reservations.get(orderId);
      if (existing) return existing;
      const reservation: Reservation = { orderId, status: 'reserved', lines };
      reservations.set(orderId, reservation);
      if (events) {
        outbox.push(
          events.created,
          stampedOrderEvent(events.outcome, 'inventory.reserved', { orderId, lines }),
        );
      }
      return reservation;
    }),
    assessFraud: fakeStep((order, assessedEvent) => {
      const { decision, score, reasons } = assessments[fraud];
      if (assessedEvent) {
        outbox.push(
          stampedOrderEvent(assessedEvent, 'fraud.assessed', {
            orderId: order.orderId,
            decision,
            score,
            reasons,
          }),
        );
      }
      return assessments[fraud];
    }),
    commitInventory: fakeStep((orderId, events = []) => {
      const reservation = reservations.get(orderId);
      if (reservation?.status !== 'reserved' && reservation?.status !== 'committed') {
        throw ApplicationFailure.create({
          type: InventoryFailureType.reservationReleased,
          message: `order ${orderId} cannot be committed: its reservation is ${reservation?.status ?? 'missing'}`,
          nonRetryable: true,
        });
      }
      reservation.status = 'committed';
      outbox.push(...events);
      return reservation;
    }),
    releaseInventory: fakeStep((orderId, releasedEvent) => {
      const reservation = reservations.get(orderId) ?? { orderId, status: 'released', lines: [] };
      reservations.set(orderId, reservation);
      if (reservation.status === 'committed') {
        throw ApplicationFailure.create({
          type: InventoryFailureType.reservationCommitted,
          message: `order ${orderId} is committed; its stock cannot be released`,
          nonRetryable: true,
        });
      }
      if (reservation.status === 'reserved') {
        reservation.status = 'released';
        if (releasedEvent) {
          outbox.push(
            stampedOrderEvent(releasedEvent, 'inventory.released', { orderId, lines: reservation.lines }),
          );
        }
      }
      return reservation;
    }),
    confirmationRecorded: fakeStep((orderId) => reservations.get(orderId)?.status === 'committed'),
    recordOrderEvents: fakeStep((events) => {
      outbox.push(...events);
    }),
    recordGroupEvents: fakeStep((events) => {
      groupOutbox.push(...events);
    }),
    authorizePayment: fakeStep((request, stamp) => {
      const existing = payments.get(request.orderId);
      if (existing) return existing;
      const { orderId, amountMinor, currency } = request;
      const payment: Payment =
        request.method === DECLINED_METHOD
          ? {
              status: 'declined',
              amountMinor,
              currency,
              declineCode: 'card_declined',
              reason: 'Your card was declined.',
            }
          : { status: 'authorized', paymentIntentId: `pi_${orderId}`, amountMinor, currency };
      payments.set(orderId, payment);
      outbox.push(
        payment.status === 'authorized'
          ? stampedOrderEvent(stamp, 'payment.authorized', {
              orderId,
              paymentIntentId: `pi_${orderId}`,
              amountMinor,
              currency,
            })
          : stampedOrderEvent(stamp, 'payment.declined', {
              orderId,
              amountMinor,
              currency,
              declineCode: 'card_declined',
              reason: 'Your card was declined.',
            }),
      );
      return payment;
    }),
    capturePayment: fakeStep((orderId, stamp) => {
      const payment = payments.get(orderId);
      if (!payment?.paymentIntentId || (payment.status !== 'authorized' && payment.status !== 'captured')) {
        throw ApplicationFailure.create({
          type: 'PaymentMissing',
          message: `no authorized payment for ${orderId}`,
          nonRetryable: true,
        });
      }
      if (payment.status === 'authorized') {
        payment.status = 'captured';
        const { paymentIntentId, amountMinor, currency } = payment;
        outbox.push(
          stampedOrderEvent(stamp, 'payment.captured', { orderId, paymentIntentId, amountMinor, currency }),
        );
      }
      return { ...payment };
    }),
    voidPayment: fakeStep((orderId, stamp) => {
      const payment = payments.get(orderId);
      if (!payment?.paymentIntentId || payment.status === 'declined')
        return payment ? { payment, undone: false } : { undone: false };
      if (payment.status === 'authorized' || payment.status === 'captured') {
        const refunded = payment.status === 'captured';
        payment.status = refunded ? 'refunded' : 'voided';
        const { paymentIntentId, amountMinor, currency } = payment;
        outbox.push(
          refunded
            ? stampedOrderEvent(stamp, 'payment.refunded', {
                orderId,
                paymentIntentId,
                refundId: `re_${orderId}`,
                amountMinor,
                currency,
              })
            : stampedOrderEvent(stamp, 'payment.voided', { orderId, paymentIntentId, amountMinor, currency }),
        );
      }
      return { payment: { ...payment }, undone: true };
    }),
    sendOrderNotification: fakeStep(({ order, kind, sentEvent }) => {
      const messageId = `<${order.orderId}.${kind}@fusioncommerce.local>`;
      if (sentEvent) {
        outbox.push(
          stampedOrderEvent(sentEvent, 'notification.sent', {
            orderId: order.orderId,
            kind,
            channel: 'email',
            messageId,
          }),
        );
      }
      return { messageId };
    }),
  };
}

/** The events the saga handed to recordOrderEvents, in order (transitions without a database change). */
export function recordedEvents(steps: FakeSagaSteps): OrderEvent[] {
  return steps.recordOrderEvents.mock.calls.flatMap(([events]) => events);
}

/** Event types in the order the steps wrote them. */
export function typesOf(events: OrderEvent[]): OrderEventType[] {
  return events.map((e) => e.type);
}

/**
 * Makes `step` fail with a transient error (one Temporal retries) on its next `times` attempts, then answer
 * as the step does. `onFailure` sees each failing attempt's number; the attempt fails once what it returns has
 * settled, so a test can hold an attempt while it looks at the saga.
 */
export function failNextAttempts<A extends unknown[], R>(
  step: jest.MockedFunction<(...args: A) => Promise<R>>,
  times: number,
  onFailure: (attempt: number) => Promise<void> | void = () => undefined,
): void {
  for (let attempt = 1; attempt <= times; attempt++) {
    step.mockImplementationOnce(async () => {
      await onFailure(attempt);
      throw new Error(`the database is restarting (attempt ${attempt})`);
    });
  }
}

/** What every consumer relies on: the steps wrote sequences 1..n, each with the id `order-<orderId>:<n>`. */
export function expectContiguousEvents(outbox: OrderEvent[], orderId: string): void {
  expect(outbox.map((e) => e.sequence)).toEqual(outbox.map((_, i) => i + 1));
  expect(outbox.map((e) => e.id)).toEqual(outbox.map((_, i) => `order-${orderId}:${i + 1}`));
  expect(new Set(outbox.map((e) => e.subject))).toEqual(new Set([orderId]));
}
