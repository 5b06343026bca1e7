/**
 * orderSaga as it ran before the transactional outbox (one publish activity per event, a search-attribute
 * upsert per transition). FROZEN: sagas started before that change replay through this code, so not one
 * command may change. Remove it (and the patch check in ../order-saga.ts) once no such saga is open.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { FraudActivities } from '../../activities/fraud';
import type { InventoryActivities } from '../../activities/inventory';
import type { NotificationActivities } from '../../activities/notification';
import type { RejectionCode } from '../../contracts/events';
import { InventoryFailureType } from '../../contracts/inventory-failures';
import type { StockShortage } from '../../contracts/inventory';
import { NotificationKind } from '../../contracts/notification';
import { checkCancellationRequest, checkReviewDecision } from '../../contracts/order-message-checks';
import type { OrderSagaInput, ReviewDecision } from '../../contracts/order-messages';
import type { OrderSagaResult } from '../../contracts/order-messages';
import { cancellableStatuses, isSettled } from '../../contracts/order-lifecycle';
import { Compensations } from '../compensations';
import { createEventEmitter } from './event-emitter-v1';
import { cancelUpdate, decideReviewUpdate, statusQuery, waitForReservationUpdate } from '../messages';
import { SagaState } from './saga-state-v1';
import { DEFAULT_NOTIFICATION_ATTEMPTS, DEFAULT_REVIEW_TIMEOUT_MS } from '../saga-defaults';

const DEFAULT_EVENTS_TASK_QUEUE = 'order-events';

type Outcome =
  | { status: 'confirmed' }
  | { status: 'rejected'; code: RejectionCode; reason: string }
  | { status: 'cancelled'; reason: string; requestedBy: string };

// Transient faults (database restart) are retried; a step still failing after this gives up and compensates.
const domainRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 10,
};

function shortagesOf(err: unknown): StockShortage[] | undefined {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) return undefined;
  if (err.cause.type !== InventoryFailureType.insufficientStock) return undefined;
  return err.cause.details?.[0] as StockShortage[];
}

function describe(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function legacyOrderSaga(input: OrderSagaInput): Promise<OrderSagaResult> {
  // Validated when these sagas started (a saga whose input failed has closed): replay needs no check.
  const { order, options = {} } = input;
  const { orderId } = order;
  const reviewTimeoutMs = options.reviewTimeoutMs ?? DEFAULT_REVIEW_TIMEOUT_MS;

  const saga = new SagaState(order);
  const compensations = new Compensations();
  const steps = new CancellationScope();
  const emit = createEventEmitter(
    orderId,
    options.eventsTaskQueue ?? DEFAULT_EVENTS_TASK_QUEUE,
    (sequence) => {
      saga.state.eventsPublished = sequence;
    },
  );
  // Short timeouts: a database transaction takes milliseconds, and a worker that died mid-activity
  // should hand the retry to another worker quickly.
  const domain = proxyActivities<InventoryActivities & FraudActivities>({
    startToCloseTimeout: '10s',
    retry: domainRetry,
  });
  // Compensation must eventually succeed: stock left reserved for a dead order is lost stock.
  const undo = proxyActivities<InventoryActivities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' },
  });
  const { sendOrderNotification } = proxyActivities<NotificationActivities>({
    startToCloseTimeout: '30s',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '60s',
      maximumAttempts: options.notificationMaxAttempts ?? DEFAULT_NOTIFICATION_ATTEMPTS,
    },
  });

  let reviewDecision: ReviewDecision | undefined;

  setHandler(statusQuery, () => saga.state);
  // Read-only (no validator, no state change): resolves once the saga has left the reservation step, so
  // the returned state carries the reservation or the shortages (or says the order ended before reserving).
  setHandler(waitForReservationUpdate, async () => {
    await condition(() => saga.status !== 'received' && saga.status !== 'reserving');
    return saga.state;
  });
  setHandler(
    cancelUpdate,
    async (request) => {
      saga.state.cancellation = { ...request, requestedAt: new Date().toISOString() };
      steps.cancel();
      await condition(() => isSettled(saga.status));
      return saga.state;
    },
    {
      validator: (request) => {
        checkCancellationRequest(request);
        if (saga.state.cancellation) throw new Error(`order ${orderId} is already being cancelled`);
        if (!cancellableStatuses.includes(saga.status)) {
          throw new Error(`order ${orderId} is ${saga.status} and can no longer be cancelled`);
        }
      },
    },
  );
  setHandler(
    decideReviewUpdate,
    async (decision) => {
      reviewDecision = decision;
      await condition(() => isSettled(saga.status));
      return saga.state;
    },
    {
      validator: (decision) => {
        checkReviewDecision(decision);
        if (saga.status !== 'awaiting_review' || reviewDecision || saga.state.cancellation) {
          throw new Error(`order ${orderId} is ${saga.status}, not awaiting a review decision`);
        }
      },
    },
  );

  const cancelledOutcome = (): Outcome => ({
    status: 'cancelled',
    reason: saga.state.cancellation?.reason ?? 'the workflow was cancelled',
    requestedBy: saga.state.cancellation?.requestedBy ?? 'temporal',
  });

  async function runSteps(): Promise<Outcome> {
    await emit('order.created', {
      orderId,
      customerId: order.customerId,
      lines: order.lines.map(({ sku, quantity, unitPriceMinor }) => ({ sku, quantity, unitPriceMinor })),
      totalMinor: order.totalMinor,
      currency: order.currency,
      placedAt: order.placedAt,
    });

    saga.transition('reserving');
    compensations.add('release inventory', async () => {
      const released = await undo.releaseInventory.executeWithOptions(
        { summary: 'release the reservation' },
        [orderId],
      );
      saga.state.reservation = released;
      if (released.lines.length > 0) await emit('inventory.released', { orderId, lines: released.lines });
    });
    try {
      const lines = order.lines.map(({ sku, quantity }) => ({ sku, quantity }));
      saga.state.reservation = await domain.reserveInventory.executeWithOptions(
        { summary: `reserve ${lines.map((l) => `${l.quantity}× ${l.sku}`).join(', ')}` },
        [{ orderId, lines }],
      );
    } catch (err) {
      const shortages = shortagesOf(err);
      if (!shortages) throw err;
      saga.state.shortages = shortages;
      await emit('inventory.insufficient', { orderId, shortages });
      return {
        status: 'rejected',
        code: 'insufficient_stock',
        reason: `insufficient stock for ${shortages.map((s) => s.sku).join(', ')}`,
      };
    }
    await emit('inventory.reserved', { orderId, lines: saga.state.reservation.lines });

    saga.transition('assessing_fraud');
    const fraud = await domain.assessFraud.executeWithOptions({ summary: 'score the order for fraud' }, [
      order,
    ]);
    saga.state.fraud = fraud;
    saga.recordFraudDecision(fraud.decision);
    await emit('fraud.assessed', {
      orderId,
      decision: fraud.decision,
      score: fraud.score,
      reasons: fraud.reasons,
    });
    if (fraud.decision === 'reject') {
      return {
        status: 'rejected',
        code: 'fraud_rejected',
        reason: `fraud score ${fraud.score} reached the reject threshold ${fraud.thresholds.reject}`,
      };
    }

    if (fraud.decision === 'review') {
      const deadline = new Date(Date.now() + reviewTimeoutMs).toISOString();
      saga.transition('awaiting_review', `decision due by ${deadline}`);
      await emit('order.review_required', {
        orderId,
        customerId: order.customerId,
        totalMinor: order.totalMinor,
        currency: order.currency,
        score: fraud.score,
        reasons: fraud.reasons,
        reviewDeadline: deadline,
      });
      const decided = await condition(() => reviewDecision !== undefined, reviewTimeoutMs);
      const decision: ReviewDecision =
        decided && reviewDecision
          ? reviewDecision
          : { decision: 'reject', reviewer: 'system', note: `no decision within ${reviewTimeoutMs} ms` };
      saga.state.review = { ...decision, decidedAt: new Date().toISOString() };
      saga.refreshDetails();
      await emit('order.review_decided', { orderId, ...decision, timedOut: !decided });
      if (decision.decision === 'reject') {
        return decided
          ? {
              status: 'rejected',
              code: 'review_rejected',
              reason: `rejected in review by ${decision.reviewer}`,
            }
          : { status: 'rejected', code: 'review_timeout', reason: 'the fraud review timed out' };
      }
    }

    // A cancellation accepted while the last event was being published wins over confirmation.
    if (saga.state.cancellation) return cancelledOutcome();
    saga.transition('confirming');
    saga.state.reservation = await CancellationScope.nonCancellable(() =>
      domain.commitInventory.executeWithOptions({ summary: 'commit the reservation' }, [orderId]),
    );
    return { status: 'confirmed' };
  }

  let outcome: Outcome;
  try {
    outcome = await steps.run(runSteps);
  } catch (err) {
    outcome = isCancellation(err)
      ? cancelledOutcome()
      : { status: 'rejected', code: 'step_failed', reason: `a step failed: ${describe(err)}` };
  }

  // From here on nothing may be cut short, not even by a cancellation of the whole workflow.
  return CancellationScope.nonCancellable(async () => {
    if (outcome.status !== 'confirmed') {
      saga.transition('compensating', outcome.reason);
      saga.state.compensations = await compensations.runAll();
    }
    const money = { customerId: order.customerId, totalMinor: order.totalMinor, currency: order.currency };
    if (outcome.status === 'confirmed') {
      saga.transition('confirmed');
      await emit('order.confirmed', { orderId, ...money });
    } else if (outcome.status === 'cancelled') {
      saga.state.reason = outcome.reason;
      saga.transition('cancelled', outcome.reason);
      await emit('order.cancelled', {
        orderId,
        ...money,
        reason: outcome.reason,
        requestedBy: outcome.requestedBy,
      });
    } else {
      saga.state.reason = outcome.reason;
      saga.transition('rejected', outcome.reason);
      await emit('order.rejected', { orderId, ...money, code: outcome.code, reason: outcome.reason });
    }

    const kind = NotificationKind[outcome.status];
    const customerReason =
      outcome.status === 'cancelled'
        ? outcome.reason
        : outcome.status === 'rejected'
          ? outcome.code === 'insufficient_stock'
            ? outcome.reason
            : 'we could not verify the order'
          : undefined;
    try {
      const sent = await sendOrderNotification.executeWithOptions({ summary: `mail the customer: ${kind}` }, [
        { kind, order, ...(customerReason ? { reason: customerReason } : {}) },
      ]);
      saga.state.notification = { kind, outcome: 'sent' };
      await emit('notification.sent', { orderId, kind, channel: 'email', messageId: sent.messageId });
    } catch (err) {
      // The outcome stands: a mail that cannot be delivered never un-confirms an order.
      saga.state.notification = { kind, outcome: 'failed', detail: describe(err) };
      await emit('notification.failed', { orderId, kind, channel: 'email', error: describe(err) });
    }
    saga.refreshDetails();

    await condition(allHandlersFinished);
    return {
      orderId,
      status: saga.status,
      ...(saga.state.reason ? { reason: saga.state.reason } : {}),
      notification: saga.state.notification?.outcome,
    };
  });
}
