/**
 * The one way an order's saga starts. An order is accepted when its idempotency key and its start row are
 * written in one statement (api/orders/idempotency.ts writes both; platform/saga-start-outbox.ts reads the
 * row). From there, exactly one of three things starts the saga, and each deletes the row once the saga
 * exists:
 *
 * - the submission itself, right after answering (`begin` for a new order), off the request's path;
 * - the submission, waiting for Temporal (`begin` for a retry, or for `?wait=reservation`, which returns once
 *   the stock is reserved or short);
 * - the sweeper (`createSagaStartSweeper`), for a row left behind because the API died between its answer
 *   and the start, or Temporal was unreachable.
 *
 * Reads and updates of an order that is accepted but not started yet go through `startedFirst`, so an
 * accepted order is never answered with a 404. Two processes starting the same order find one saga: the
 * workflow id comes from the order id.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import type { Pool } from 'pg';
import type { OrderSagaOptions } from '../../contracts/order-messages';
import type { OrderState } from '../../contracts/order-state';
import type { PricedOrder } from '../../contracts/order';
import { orderSummary } from '../../contracts/order';
import type { AppConfig } from '../../platform/config';
import { isClosedWorkflowError } from '../../platform/update-failures';
import { crashPoints } from '../../platform/crash-points';
import type { Logger } from '../../platform/logger';
import { periodic } from '../../platform/periodic';
import { createSagaStartOutbox } from '../../platform/saga-start-outbox';
import type { QueuedStart, SagaStartOutbox } from '../../platform/saga-start-outbox';
import type { orderSaga } from '../../workflows';
import { orderWorkflowId, waitForReservationUpdate } from '../../workflows/messages';
import { CustomerIdKey, OrderStatusKey, OrderTotalKey } from '../../workflows/search-attributes';
import { OrderNotFoundError } from '../http/errors';
import { asOutage } from '../http/outage';

export interface StartOutcome {
  /** The saga's state once the reservation outcome was known (only when waiting for it). */
  state?: OrderState;
  /** True when waiting was asked for but the outcome was not known within the deadline. */
  waitTimedOut?: boolean;
}

/** What the submission knows when it asks for the start. */
export interface StartRequest {
  order: PricedOrder;
  submittedBy: string;
  /** This request created the order (a retry of an accepted one did not). */
  created: boolean;
  /** The client asked to wait for the reservation's outcome (`?wait=reservation`). */
  waitForReservation: boolean;
}

export function createSagaStarter(
  client: Client,
  pool: Pool,
  config: Pick<AppConfig, 'temporal' | 'saga' | 'api' | 'crashPoints'>,
  logger: Logger,
  /** The saga's state by its status query, for a retry of an order that has ended. */
  status: (orderId: string) => Promise<OrderState>,
) {
  const points = crashPoints(config.crashPoints);
  const outbox = createSagaStartOutbox(pool);
  const withDeadline = <T>(fn: () => Promise<T>) =>
    client.withDeadline(Date.now() + config.api.temporalTimeoutMs, fn);

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

  /** Starts a queued order's saga unless it exists, then takes the order out of the start outbox. */
  async function startQueued(queued: Pick<QueuedStart, 'order' | 'submittedBy'>): Promise<void> {
    // Crash tests: the instant between the order's start row (the 202 is on its way) and its start.
    points.reach('sagaStart', queued.order.orderId);
    try {
      await withDeadline(() =>
        client.workflow.start<typeof orderSaga>('orderSaga', startOptions(queued.order, queued.submittedBy)),
      );
    } catch (err) {
      // REJECT_DUPLICATE refused: the order ran before and has ended; the retry maps to it.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await outbox.remove(queued.order.orderId);
  }

  /** Starts the saga and waits until the stock is reserved or short (update-with-start). */
  async function startAndWaitForReservation(order: PricedOrder, submittedBy: string): Promise<StartOutcome> {
    try {
      const state = await withDeadline(() =>
        client.workflow.executeUpdateWithStart(waitForReservationUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation<typeof orderSaga>(
            'orderSaga',
            startOptions(order, submittedBy),
          ),
        }),
      );
      await outbox.remove(order.orderId);
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

  /** The submission's start: the one place that picks how, from what the request asked. */
  async function begin(request: StartRequest): Promise<StartOutcome> {
    const { order, submittedBy } = request;
    if (request.waitForReservation) return startAndWaitForReservation(order, submittedBy);
    if (!request.created) {
      // A retry waits for the start, so that its answer can name the saga's status.
      await startQueued({ order, submittedBy });
      return {};
    }
    // A new order is accepted once it is recorded with its start: its saga starts right after the answer,
    // off the request's path (a Temporal start is the slowest part of it). Its row holds it meanwhile.
    startQueued({ order, submittedBy }).catch((err: unknown) => {
      logger.warn(
        { err, orderId: order.orderId },
        'could not start the saga of an accepted order yet; the start outbox sweeper will',
      );
    });
    return {};
  }

  /**
   * Runs a call about an order; when the order is not found but waits in the start outbox (accepted a
   * moment ago, or while Temporal was down), starts its saga and runs the call again.
   */
  async function startedFirst<T>(orderId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof OrderNotFoundError)) throw err;
      const queued = await outbox.find(orderId);
      if (!queued) throw err;
      await startQueued(queued);
      return call();
    }
  }

  return { begin, startQueued, startedFirst };
}

export type SagaStarter = ReturnType<typeof createSagaStarter>;

export interface SweeperOptions {
  /** How often the outbox is looked at. */
  everyMs: number;
  /** A row younger than this is left to the request that wrote it (its start is under way). */
  graceMs: number;
  /** Rows started per sweep at most. */
  batch: number;
}

export const defaultSweeperOptions: SweeperOptions = { everyMs: 2_000, graceMs: 2_000, batch: 100 };

/**
 * Starts the sagas of accepted orders whose first start did not happen. Every API process sweeps; two
 * starting the same order find one saga, and the row goes once the saga exists.
 */
export function createSagaStartSweeper(
  starter: Pick<SagaStarter, 'startQueued'>,
  outbox: Pick<SagaStartOutbox, 'due'>,
  logger: Logger,
  options: SweeperOptions = defaultSweeperOptions,
) {
  /** One pass: starts what is due, oldest first; stops at the first failure (Temporal is likely down). */
  async function sweep(): Promise<number> {
    const due = await outbox.due(options.graceMs, options.batch);
    let started = 0;
    for (const queued of due) {
      try {
        await starter.startQueued(queued);
        started += 1;
      } catch (err) {
        logger.warn(
          { err, orderId: queued.orderId, waiting: due.length - started },
          'accepted orders are waiting for their saga to start; retrying at the next sweep',
        );
        break;
      }
    }
    if (started > 0)
      logger.info({ started }, 'started the sagas of accepted orders left in the start outbox');
    return started;
  }

  const job = periodic(options.everyMs, sweep, logger, 'could not read the start outbox');
  return { sweep, ...job };
}
