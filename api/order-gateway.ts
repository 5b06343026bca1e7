/**
 * The API's door to the order sagas in Temporal: start (optionally waiting for the reservation), read,
 * list (api/order-listing.ts), cancel and review. Every call has a deadline; Temporal's answers become typed API errors here.
 */
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  isGrpcDeadlineError,
} from '@temporalio/client';
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import type { Pool } from 'pg';
import type { OrderListQuery } from '../contracts/http-orders';
import type { CancellationRequest, OrderSagaOptions, ReviewDecision } from '../contracts/order-messages';
import type { OrderState } from '../contracts/order-state';
import { OrderStatus } from '../contracts/order-status';
import type { PricedOrder } from '../contracts/order';
import { orderSummary } from '../contracts/order';
import type { AppConfig } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { orderSaga } from '../workflows';
import {
  cancelUpdate,
  decideReviewUpdate,
  orderWorkflowId,
  statusQuery,
  waitForReservationUpdate,
} from '../workflows/messages';
import { CustomerIdKey, OrderStatusKey, OrderTotalKey } from '../workflows/search-attributes';
import { createOrderLogReader } from './order-log-reader';
import { listOrders } from './order-listing';
import { pageTokenKey } from './page-token';
import { isClosedWorkflowError } from '../platform/closed-workflow';
import { crashPoints } from '../platform/crash-points';
import { OrderClosedError, OrderNotFoundError, OrderUpdateRefusedError } from './errors';
import { asOutage } from './outage';
import { createSagaStartOutbox } from './saga-start-outbox';
import type { QueuedStart } from './saga-start-outbox';

export interface OrderFacts {
  /** The order's status from its search attribute (readable without a worker, even after it ended). */
  status: OrderStatus | undefined;
  /** Name of the API key that submitted the order (memo), absent for orders started elsewhere. */
  submittedBy: string | undefined;
  running: boolean;
}

/** A cancellation's or review decision's answer: done (`applied`), or accepted and still being applied. */
export interface UpdateAnswer {
  state: OrderState;
  applied: boolean;
}

export interface StartOutcome {
  /** The saga's state once the reservation outcome was known (only when waiting for it). */
  state?: OrderState;
  /** True when waiting was asked for but the outcome was not known within the deadline. */
  waitTimedOut?: boolean;
}

/** Where an order's state was read from: its saga's status query, or its event log (api/order-log-view.ts). */
export type OrderViewSource = 'saga' | 'event-log';

export function createOrderGateway(
  client: Client,
  pool: Pool,
  config: Pick<AppConfig, 'temporal' | 'saga' | 'api' | 'crashPoints'>,
  logger: Logger,
) {
  const points = crashPoints(config.crashPoints);
  const startOutbox = createSagaStartOutbox(pool);
  const timeoutMs = config.api.temporalTimeoutMs;
  const readOrderLog = createOrderLogReader(client, pool, config.temporal.namespace);
  const pageTokenSeal = pageTokenKey(config.api.keys.map((key) => key.secret));
  const withDeadline = <T>(fn: () => Promise<T>) => client.withDeadline(Date.now() + timeoutMs, fn);
  const handleOf = (orderId: string) => client.workflow.getHandle<typeof orderSaga>(orderWorkflowId(orderId));

  function startOptions(order: PricedOrder, submittedBy: string) {
    const options: OrderSagaOptions = {
      reviewTimeoutMs: config.saga.reviewTimeoutMs,
      notificationMaxAttempts: config.saga.notificationMaxAttempts,
      stepActivities: config.saga.stepActivities,
    };
    return {
      taskQueue: config.temporal.orderTaskQueue,
      workflowId: orderWorkflowId(order.orderId),
      args: [{ order, options }],
      staticSummary: orderSummary(order),
      memo: { submittedBy },
      typedSearchAttributes: [
        { key: OrderStatusKey, value: 'received' },
        { key: CustomerIdKey, value: order.customerId },
        { key: OrderTotalKey, value: order.totalMinor / 100 },
      ],
      // A retry finds the running saga; an order that already ended is never run a second time.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    } satisfies WorkflowStartOptions<typeof orderSaga>;
  }

  async function ensureStarted(order: PricedOrder, submittedBy: string): Promise<void> {
    try {
      await withDeadline(() =>
        client.workflow.start<typeof orderSaga>('orderSaga', startOptions(order, submittedBy)),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // REJECT_DUPLICATE refused: the order ran before and has ended; the retry maps to it.
    }
  }

  /** Starts an accepted order's saga (unless it exists) and takes it out of the start outbox. */
  async function startQueued(queued: Pick<QueuedStart, 'order' | 'submittedBy'>): Promise<void> {
    // Crash tests: the instant between the order's start row (the 202 is on its way) and its start.
    points.reach('sagaStart', queued.order.orderId);
    await ensureStarted(queued.order, queued.submittedBy);
    await startOutbox.remove(queued.order.orderId);
  }

  /**
   * Starts the saga of an order just accepted, without making the caller wait: its row in the start
   * outbox holds it until then, and the sweeper (api/saga-starter.ts) starts it if this attempt fails.
   */
  function startSoon(order: PricedOrder, submittedBy: string): void {
    startQueued({ order, submittedBy }).catch((err: unknown) => {
      logger.warn(
        { err, orderId: order.orderId },
        'could not start the saga of an accepted order yet; the start outbox sweeper will',
      );
    });
  }

  /**
   * Starts the saga unless it exists (waiting for Temporal's answer); with `waitForReservation`, returns
   * once stock is reserved or short.
   */
  async function start(
    order: PricedOrder,
    submittedBy: string,
    waitForReservation: boolean,
  ): Promise<StartOutcome> {
    if (!waitForReservation) {
      await startQueued({ order, submittedBy });
      return {};
    }
    try {
      const state = await withDeadline(() =>
        client.workflow.executeUpdateWithStart(waitForReservationUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation<typeof orderSaga>(
            'orderSaga',
            startOptions(order, submittedBy),
          ),
        }),
      );
      await startOutbox.remove(order.orderId);
      return { state };
    } catch (err) {
      // The order ran before and has ended: its final state has the reservation outcome.
      if (err instanceof WorkflowExecutionAlreadyStartedError || isClosedWorkflowError(err)) {
        return { state: await status(order.orderId) };
      }
      if (!asOutage(err)) throw err;
      // Too slow to say, or Temporal is down: the order is recorded with its start, so it is accepted
      // either way; try to start it now (the sweeper will otherwise) and say the outcome is pending.
      await startQueued({ order, submittedBy }).catch((startErr: unknown) => {
        if (!asOutage(startErr)) throw startErr;
      });
      return { waitTimedOut: true };
    }
  }

  async function status(orderId: string): Promise<OrderState> {
    try {
      return await withDeadline(() => handleOf(orderId).query(statusQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new OrderNotFoundError(orderId);
      throw err;
    }
  }

  /**
   * The order's state for readers: its saga's status query when an order worker answers it soon, else the
   * state rebuilt from its event log, which needs no worker (a stopped worker, or one working through a
   * backlog, would otherwise hold every read for the whole Temporal timeout and end it in a 503).
   */
  async function read(orderId: string): Promise<{ state: OrderState; source: OrderViewSource }> {
    try {
      const state = await client.withDeadline(Date.now() + config.api.orderQueryTimeoutMs, () =>
        handleOf(orderId).query(statusQuery),
      );
      return { state, source: 'saga' };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new OrderNotFoundError(orderId);
      if (!asOutage(err)) throw err;
      try {
        return { state: await withDeadline(() => readOrderLog(orderId)), source: 'event-log' };
      } catch (logErr) {
        if (logErr instanceof OrderNotFoundError) throw logErr;
        // Neither answered: the outage of the query is the one to report.
        throw err;
      }
    }
  }

  async function facts(orderId: string): Promise<OrderFacts> {
    try {
      const description = await withDeadline(() => handleOf(orderId).describe());
      const status = OrderStatus.safeParse(description.typedSearchAttributes.get(OrderStatusKey));
      const submittedBy = description.memo?.submittedBy;
      return {
        status: status.success ? status.data : undefined,
        submittedBy: typeof submittedBy === 'string' ? submittedBy : undefined,
        running: description.status.name === 'RUNNING',
      };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new OrderNotFoundError(orderId);
      throw err;
    }
  }

  /** Maps an update's failure: refused by the validator → 409, saga ended → 409 naming its final status. */
  async function updateError(orderId: string, err: unknown): Promise<unknown> {
    if (err instanceof WorkflowUpdateFailedError) {
      const reason = err.cause instanceof Error ? err.cause.message : err.message;
      const current = await facts(orderId).catch(() => undefined);
      return new OrderUpdateRefusedError(orderId, reason, current?.status);
    }
    if (isClosedWorkflowError(err)) return new OrderClosedError(orderId, (await facts(orderId)).status);
    if (err instanceof WorkflowNotFoundError) return new OrderNotFoundError(orderId);
    return err;
  }

  /**
   * Runs an update in two stages, each within the deadline: accepted (the validator agreed), then done.
   * An update accepted but not done in time (a worker killed while applying it, a slow compensation) is
   * applied, or will be: it answers `{ applied: false }` with the order's state as known now, for a 202,
   * never a 503 the client would read as "not applied".
   */
  async function applyUpdate<Args extends unknown[]>(
    orderId: string,
    update: typeof cancelUpdate | typeof decideReviewUpdate,
    args: Args,
    updateId: string | undefined,
  ): Promise<UpdateAnswer> {
    const deadline = Date.now() + timeoutMs;
    let accepted;
    try {
      accepted = await client.withDeadline(deadline, () =>
        handleOf(orderId).startUpdate(update as typeof cancelUpdate, {
          args: args as unknown as [CancellationRequest],
          waitForStage: WorkflowUpdateStage.ACCEPTED,
          ...(updateId ? { updateId } : {}),
        }),
      );
    } catch (err) {
      throw await updateError(orderId, err);
    }
    try {
      return { state: await client.withDeadline(deadline, () => accepted.result()), applied: true };
    } catch (err) {
      if (!isGrpcDeadlineError(err) && !asOutage(err)) throw await updateError(orderId, err);
      return { state: (await read(orderId)).state, applied: false };
    }
  }

  const cancel = (orderId: string, request: CancellationRequest, updateId?: string) =>
    applyUpdate(orderId, cancelUpdate, [request], updateId);

  const review = (orderId: string, decision: ReviewDecision, updateId?: string) =>
    applyUpdate(orderId, decideReviewUpdate, [decision], updateId);

  /**
   * Runs a call about an order; when the order is not found but waits in the start outbox (accepted a
   * moment ago, or while Temporal was down), starts its saga and runs the call again, so an accepted order
   * is never answered with a 404.
   */
  async function startedFirst<T>(orderId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof OrderNotFoundError)) throw err;
      const queued = await startOutbox.find(orderId);
      if (!queued) throw err;
      await startQueued(queued);
      return call();
    }
  }

  return {
    start,
    startSoon,
    startQueued,
    status: (orderId: string) => startedFirst(orderId, () => status(orderId)),
    read: (orderId: string) => startedFirst(orderId, () => read(orderId)),
    facts: (orderId: string) => startedFirst(orderId, () => facts(orderId)),
    cancel: (orderId: string, request: CancellationRequest, updateId?: string) =>
      startedFirst(orderId, () => cancel(orderId, request, updateId)),
    review: (orderId: string, decision: ReviewDecision, updateId?: string) =>
      startedFirst(orderId, () => review(orderId, decision, updateId)),
    list: (query: OrderListQuery) => listOrders(client, withDeadline, query, pageTokenSeal),
  };
}

export type OrderGateway = ReturnType<typeof createOrderGateway>;
