/**
 * orderSaga: reserve → fraud check → (review) → commit → notify. Each step writes the events of its
 * transition to the outbox in its own transaction (the bridge worker relays them to Kafka), so a saga
 * never waits on Kafka. Rejection, cancellation or a failed step runs the registered compensations in
 * reverse.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  patched,
  setHandler,
} from '@temporalio/workflow';
import { stampedOrderEvent } from '../contracts/event-stamp';
import type { OrderEvent, OrderEventData, OrderEventType } from '../contracts/events';
import { InventoryFailureType } from '../contracts/inventory-failures';
import type { StockShortage } from '../contracts/inventory';
import { formatMoney } from '../contracts/money';
import { NotificationKind } from '../contracts/notification';
import { checkCancellationRequest, checkReviewDecision } from '../contracts/order-message-checks';
import type { OrderSagaInput, OrderSagaResult, ReviewDecision } from '../contracts/order-messages';
import { cancellableStatuses, compensationNames, isSettled } from '../contracts/order-lifecycle';
import type { OrderStatus } from '../contracts/order-lifecycle';
import { INVALID_ORDER } from '../contracts/saga-failures';
import { Compensations } from './compensations';
import { EventSequence } from './event-sequence';
import { eventsWrittenBy } from '../contracts/step-events';
import { legacyOrderSaga } from './legacy/order-saga-v1';
import { cancelUpdate, decideReviewUpdate, statusQuery, waitForReservationUpdate } from './messages';
import { DEFAULT_REVIEW_TIMEOUT_MS } from './saga-defaults';
import { SagaState } from './saga-state';
import { customerReason } from './saga-outcome';
import type { Outcome } from './saga-outcome';
import { outsideSteps, sagaSteps } from './saga-steps';

/** Marks histories of the outbox saga; histories without it replay through workflows/legacy/. */
export const OUTBOX_SAGA_PATCH = 'outbox-saga';
/**
 * Marks sagas that run the payment and mail steps local first (one workflow task for an order whose
 * servers answer); histories without it ran them as regular activities and replay that way.
 */
export const SINGLE_TASK_SAGA_PATCH = 'single-task-saga';
/** Marks sagas that ask, before honouring a cancellation, whether an earlier run already confirmed. */
export const LATE_CANCELLATION_PATCH = 'late-cancellation-after-confirmation';
/** Marks sagas whose review deadline is counted from the recorded fraud assessment, not the task's time. */
export const REVIEW_DEADLINE_PATCH = 'review-deadline-from-assessment';

/** A failure a step raised: regular activities wrap it in an ActivityFailure, local ones may not. */
function stepFailure(err: unknown): unknown {
  return err instanceof ActivityFailure && err.cause ? err.cause : err;
}

function shortagesOf(err: unknown): StockShortage[] | undefined {
  const failure = stepFailure(err);
  if (!(failure instanceof ApplicationFailure)) return undefined;
  if (failure.type !== InventoryFailureType.insufficientStock) return undefined;
  return failure.details?.[0] as StockShortage[];
}

function describe(err: unknown): string {
  const failure = stepFailure(err);
  return failure instanceof Error ? failure.message : String(failure);
}

/** Statuses a saga passes before it can be held for review. */
const beforeReview: readonly OrderStatus[] = ['received', 'reserving', 'assessing_fraud'];

export async function orderSaga(input: OrderSagaInput): Promise<OrderSagaResult> {
  // Sagas started before the outbox replay the path they recorded; every new saga takes this one.
  if (!patched(OUTBOX_SAGA_PATCH)) return legacyOrderSaga(input);

  // The full check is the first step (acceptOrder); this guard only keeps the code below from tripping on
  // an input without an order at all.
  const { order: given, options = {} } = (input ?? {}) as Partial<OrderSagaInput>;
  if (typeof given !== 'object' || given === null || typeof given.orderId !== 'string') {
    throw ApplicationFailure.create({
      type: INVALID_ORDER,
      message: 'invalid orderSaga input: expected { order: { orderId, … }, options? }',
      nonRetryable: true,
    });
  }
  const order = given;
  const { orderId } = order;
  const reviewTimeoutMs = options.reviewTimeoutMs ?? DEFAULT_REVIEW_TIMEOUT_MS;
  const money = { customerId: order.customerId, totalMinor: order.totalMinor, currency: order.currency };

  const saga = new SagaState(order);
  const compensations = new Compensations();
  const steps = new CancellationScope();
  const events = new EventSequence(orderId, (written) => {
    saga.state.eventsPublished = written;
  });
  const step = sagaSteps(options);
  const outside = outsideSteps(options, step, patched(SINGLE_TASK_SAGA_PATCH));
  /** The next event, complete: for transitions whose data the workflow already knows. */
  const nextEvent = <T extends OrderEventType>(type: T, data: OrderEventData<T>): OrderEvent =>
    stampedOrderEvent(events.peek(), type, data);
  /** Writes events of a transition that has no database change of its own. Never cut short. */
  const record = async (summary: string, ...written: OrderEvent[]) => {
    await CancellationScope.nonCancellable(() =>
      step.recordOrderEvents.executeWithOptions({ summary }, [written]),
    );
    events.advance(eventsWrittenBy.recordOrderEvents(written));
  };

  let reviewDecision: ReviewDecision | undefined;
  /** Set when a cancellation came after an earlier run of the task had confirmed the order. */
  let lateCancellation = false;

  /** Why a review decision cannot be taken now (undefined: it can). */
  const reviewRefusal = (): string | undefined => {
    const { cancellation } = saga.state;
    if (cancellation) {
      return `order ${orderId} is being cancelled (${cancellation.reason}, by ${cancellation.requestedBy}) and can no longer be reviewed`;
    }
    if (reviewDecision) return `order ${orderId} already has a review decision (${reviewDecision.decision})`;
    if (saga.status !== 'awaiting_review')
      return `order ${orderId} is ${saga.status}, not awaiting a review decision`;
    return undefined;
  };

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
      if (lateCancellation) {
        throw ApplicationFailure.create({
          message: `order ${orderId} was confirmed before the cancellation could take effect`,
          nonRetryable: true,
        });
      }
      return saga.state;
    },
    {
      validator: (request) => {
        checkCancellationRequest(request);
        if (saga.state.cancellation) throw new Error(`order ${orderId} is already being cancelled`);
        // A decision accepted in the same workflow task has already settled the order's fate.
        if (reviewDecision) {
          throw new Error(
            `order ${orderId} has a review decision (${reviewDecision.decision} by ${reviewDecision.reviewer}) being applied and can no longer be cancelled`,
          );
        }
        if (!cancellableStatuses.includes(saga.status)) {
          throw new Error(`order ${orderId} is ${saga.status} and can no longer be cancelled`);
        }
      },
    },
  );
  setHandler(
    decideReviewUpdate,
    async (decision) => {
      // A decision can reach a workflow task retried after a crash before the saga has re-reached the hold
      // that the first run already published (its order.review_required is out): it waits for the hold.
      await condition(() => !beforeReview.includes(saga.status));
      const refusal = reviewRefusal();
      if (refusal) throw ApplicationFailure.create({ message: refusal, nonRetryable: true });
      reviewDecision = decision;
      await condition(() => isSettled(saga.status));
      return saga.state;
    },
    {
      validator: (decision) => {
        checkReviewDecision(decision);
        const refusal = beforeReview.includes(saga.status) ? undefined : reviewRefusal();
        if (refusal) throw new Error(refusal);
      },
    },
  );

  const cancelledOutcome = (): Outcome => ({
    status: 'cancelled',
    reason: saga.state.cancellation?.reason ?? 'the workflow was cancelled',
    requestedBy: saga.state.cancellation?.requestedBy ?? 'temporal',
  });

  /**
   * Authorizes the order total (manual capture) with the payment method the storefront sent; answers the
   * rejection when the provider declines. The void (or refund, once captured) is registered first, so an
   * authorization can never be left without its compensation.
   */
  async function authorize(method: string): Promise<Outcome | undefined> {
    compensations.add(compensationNames.voidPayment, async () => {
      const undone = await outside.voidPayment.executeWithOptions({ summary: 'void or refund the payment' }, [
        orderId,
        events.peek(),
      ]);
      if (undone.payment) saga.state.payment = undone.payment;
      events.advance(eventsWrittenBy.voidPayment(undone));
    });
    const payment = await CancellationScope.nonCancellable(() =>
      outside.authorizePayment.executeWithOptions(
        { summary: `authorize ${formatMoney(order.totalMinor, order.currency)}` },
        [
          {
            orderId,
            customerId: order.customerId,
            amountMinor: order.totalMinor,
            currency: order.currency,
            method,
          },
          events.peek(),
        ],
      ),
    );
    events.advance(eventsWrittenBy.authorizePayment());
    saga.state.payment = payment;
    saga.refreshDetails();
    if (payment.status === 'authorized') return undefined;
    return {
      status: 'rejected',
      code: 'payment_declined',
      reason: `payment declined (${payment.declineCode ?? 'declined'}): ${payment.reason ?? 'no reason given'}`,
    };
  }

  async function runSteps(): Promise<Outcome> {
    saga.transition('reserving');
    compensations.add(compensationNames.releaseInventory, async () => {
      const released = await step.releaseInventory.executeWithOptions(
        { summary: 'release the reservation' },
        [orderId, events.peek()],
      );
      saga.state.reservation = released;
      // Lines on a released reservation mean this saga's release gave stock back and wrote the event.
      events.advance(eventsWrittenBy.releaseInventory(released));
    });
    // The database steps run to the end once started (milliseconds): a cancellation takes effect right
    // after, so the events a step wrote and the saga's numbering never disagree.
    try {
      const lines = order.lines.map(({ sku, quantity }) => ({ sku, quantity }));
      const created = nextEvent('order.created', {
        orderId,
        ...money,
        lines: order.lines.map(({ sku, quantity, unitPriceMinor }) => ({ sku, quantity, unitPriceMinor })),
        placedAt: order.placedAt,
      });
      saga.state.reservation = await CancellationScope.nonCancellable(() =>
        step.reserveInventory.executeWithOptions(
          { summary: `reserve ${lines.map((l) => `${l.quantity}× ${l.sku}`).join(', ')}` },
          [{ orderId, lines, events: { created, outcome: events.peek(2) } }],
        ),
      );
      events.advance(eventsWrittenBy.reserveInventory());
    } catch (err) {
      const shortages = shortagesOf(err);
      // Any other failure means no attempt committed, as far as the saga can tell: an attempt that
      // committed and then failed ten times over to read its result back would leave #1, #2 written.
      if (!shortages) throw err;
      events.advance(eventsWrittenBy.reserveInventory());
      saga.state.shortages = shortages;
      return {
        status: 'rejected',
        code: 'insufficient_stock',
        reason: `insufficient stock for ${shortages.map((s) => s.sku).join(', ')}`,
      };
    }

    if (order.payment) {
      const declined = await authorize(order.payment.method);
      if (declined) return declined;
    }

    saga.transition('assessing_fraud');
    const fraud = await CancellationScope.nonCancellable(() =>
      step.assessFraud.executeWithOptions({ summary: 'score the order for fraud' }, [order, events.peek()]),
    );
    events.advance(eventsWrittenBy.assessFraud());
    saga.state.fraud = fraud;
    if (fraud.decision === 'reject') {
      return {
        status: 'rejected',
        code: 'fraud_rejected',
        reason: `fraud score ${fraud.score} reached the reject threshold ${fraud.thresholds.reject}`,
      };
    }

    if (fraud.decision === 'review') {
      // Counted from the recorded assessment, so a workflow task retried after a crash publishes the same
      // deadline and waits for it, instead of starting the hold again a few seconds later.
      const stableDeadline = fraud.assessedAt !== undefined && patched(REVIEW_DEADLINE_PATCH);
      const deadlineMs = (stableDeadline ? Date.parse(fraud.assessedAt!) : Date.now()) + reviewTimeoutMs;
      const holdMs = stableDeadline ? Math.max(1, deadlineMs - Date.now()) : reviewTimeoutMs;
      const deadline = new Date(deadlineMs).toISOString();
      saga.transition('awaiting_review', `decision due by ${deadline}`);
      await record(
        'record order.review_required',
        nextEvent('order.review_required', {
          orderId,
          ...money,
          score: fraud.score,
          reasons: fraud.reasons,
          reviewDeadline: deadline,
        }),
      );
      // The one wait an operator looks for: held orders are found by status in the Temporal UI.
      saga.publishSearchAttributes();
      const decided = await condition(() => reviewDecision !== undefined, holdMs);
      const decision: ReviewDecision =
        decided && reviewDecision
          ? reviewDecision
          : { decision: 'reject', reviewer: 'system', note: `no decision within ${reviewTimeoutMs} ms` };
      saga.state.review = { ...decision, decidedAt: new Date().toISOString() };
      saga.refreshDetails();
      await record(
        `record order.review_decided (${decision.decision})`,
        nextEvent('order.review_decided', { orderId, ...decision, timedOut: !decided }),
      );
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

    // A cancellation accepted while the review decision was being recorded wins over confirmation, unless
    // an earlier run of this task already captured or committed: a cancellation that reached a task
    // retried after a crash comes too late for the order that run confirmed, and is refused.
    if (saga.state.cancellation) {
      const confirmedBefore =
        patched(LATE_CANCELLATION_PATCH) &&
        (await CancellationScope.nonCancellable(() =>
          step.confirmationRecorded.executeWithOptions({ summary: 'was the order confirmed before?' }, [
            orderId,
          ]),
        ));
      if (!confirmedBefore) return cancelledOutcome();
      lateCancellation = true;
      saga.state.cancellation = undefined;
    }
    saga.transition('confirming');
    if (saga.state.payment?.status === 'authorized') {
      // Retried until the provider answers (a pending activity in the UI meanwhile); refused → compensate.
      saga.state.payment = await CancellationScope.nonCancellable(() =>
        outside.capturePayment.executeWithOptions({ summary: 'capture the payment' }, [
          orderId,
          events.peek(),
        ]),
      );
      events.advance(eventsWrittenBy.capturePayment());
    }
    const confirmed = [nextEvent('order.confirmed', { orderId, ...money })];
    saga.state.reservation = await CancellationScope.nonCancellable(() =>
      step.commitInventory.executeWithOptions({ summary: 'commit the reservation' }, [orderId, confirmed]),
    );
    events.advance(eventsWrittenBy.commitInventory(confirmed));
    return { status: 'confirmed' };
  }

  try {
    await CancellationScope.nonCancellable(() =>
      step.acceptOrder.executeWithOptions({ summary: 'check the order against the contract' }, [input]),
    );
  } catch (err) {
    throw ApplicationFailure.create({ type: INVALID_ORDER, message: describe(err), nonRetryable: true });
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
      saga.state.reason = outcome.reason;
      saga.transition(outcome.status, outcome.reason);
      await record(
        `record order.${outcome.status}`,
        outcome.status === 'cancelled'
          ? nextEvent('order.cancelled', {
              orderId,
              ...money,
              reason: outcome.reason,
              requestedBy: outcome.requestedBy,
            })
          : nextEvent('order.rejected', { orderId, ...money, code: outcome.code, reason: outcome.reason }),
      );
    } else {
      saga.transition('confirmed');
    }
    saga.publishSearchAttributes();

    const kind = NotificationKind[outcome.status];
    const reason = customerReason(outcome);
    try {
      await outside.sendOrderNotification.executeWithOptions({ summary: `mail the customer: ${kind}` }, [
        { kind, order, ...(reason ? { reason } : {}), sentEvent: events.peek() },
      ]);
      events.advance(eventsWrittenBy.sendOrderNotification());
      saga.state.notification = { kind, outcome: 'sent' };
    } catch (err) {
      // The outcome stands: a mail that cannot be delivered never un-confirms an order.
      saga.state.notification = { kind, outcome: 'failed', detail: describe(err) };
      await record(
        'record notification.failed',
        nextEvent('notification.failed', { orderId, kind, channel: 'email', error: describe(err) }),
      );
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
