/**
 * The API's door to the order sagas in Temporal: start (api/orders/saga-start.ts), read, list
 * (api/orders/order-listing.ts), cancel and review. Every call has a deadline; Temporal's answers become
 * typed API errors here (platform/update-failures.ts tells an update's refusals apart).
 */
import { WorkflowNotFoundError, WorkflowUpdateStage, isGrpcDeadlineError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { OrderListQuery } from '../../contracts/http-orders';
import type { CancellationRequest, ReviewDecision } from '../../contracts/order-messages';
import type { OrderState } from '../../contracts/order-state';
import { OrderStatus } from '../../contracts/order-status';
import type { AppConfig } from '../../platform/config';
import type { Logger } from '../../platform/logger';
import type { orderSaga } from '../../workflows';
import { cancelUpdate, decideReviewUpdate, orderWorkflowId, statusQuery } from '../../workflows/messages';
import { OrderStatusKey } from '../../workflows/search-attributes';
import { createOrderLogReader } from './order-log-reader';
import { listOrders } from './order-listing';
import { pageTokenKey } from './page-token';
import { updateFailureOf } from '../../platform/update-failures';
import { OrderClosedError, OrderNotFoundError, OrderUpdateRefusedError } from '../http/errors';
import { asOutage } from '../http/outage';
import { createSagaStarter } from './saga-start';

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

/** Where an order's state was read from: its saga's status query, or its event log (api/orders/order-log-view.ts). */
export type OrderViewSource = 'saga' | 'event-log';

export function createOrderGateway(
  client: Client,
  pool: Pool,
  config: Pick<AppConfig, 'temporal' | 'saga' | 'api' | 'crashPoints'>,
  logger: Logger,
) {
  const timeoutMs = config.api.temporalTimeoutMs;
  const readOrderLog = createOrderLogReader(client, pool, config.temporal.namespace);
  const pageTokenSeal = pageTokenKey(config.api.keys.map((key) => key.secret));
  const withDeadline = <T>(fn: () => Promise<T>) => client.withDeadline(Date.now() + timeoutMs, fn);
  const handleOf = (orderId: string) => client.workflow.getHandle<typeof orderSaga>(orderWorkflowId(orderId));

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
    const failure = updateFailureOf(err);
    if (failure?.kind === 'refused') {
      const current = await facts(orderId).catch(() => undefined);
      return new OrderUpdateRefusedError(orderId, failure.reason, current?.status);
    }
    if (failure?.kind === 'closed') return new OrderClosedError(orderId, (await facts(orderId)).status);
    if (failure?.kind === 'not_found') return new OrderNotFoundError(orderId);
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

  const { startedFirst, ...starting } = createSagaStarter(client, pool, config, logger, status);

  return {
    ...starting,
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
