/**
 * Finds the orders that stopped moving, from Temporal visibility and the outbox.
 *
 * The saga publishes its OrderStatus search attribute only where an operator filters
 * (workflows/saga-state.ts): `received` at the start (set by the client), `awaiting_review` when it holds
 * the order, and the final status once the order settled. So a running saga that shows neither a final
 * status nor `awaiting_review` has not settled since its start: stalled once it started longer ago than
 * the bound. One that shows `awaiting_review` waits for a review and is left aside, unless the review was
 * decided (its order.review_decided event is in the outbox): the status is not published again until the
 * order settles, so it is stalled once the decision is older than the bound.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Pool } from 'pg';
import { settledStatuses } from '../../../contracts/order-lifecycle';
import { OrderStatus } from '../../../contracts/order-status';
import { OrderStatusKey } from '../../../workflows/search-attributes';
import { orderIdOfWorkflow } from '../../orders/order-listing';

/** Most stalled orders listed (and alerted) per check, so an outage of hours cannot fill the memory. */
export const MAX_LISTED = 1_000;

export interface StalledOrder {
  orderId: string;
  workflowId: string;
  runId: string;
  status: OrderStatus | undefined;
  startedAt: Date;
  reviewDecidedAt?: Date;
  /** From when the order has not moved: its start, or its review decision. */
  stalledSince: Date;
}

export interface StalledOrderCheck {
  checkedAt: Date;
  stalledAfterMs: number;
  /** Every stalled order, also beyond the ones listed. */
  total: number;
  /** The longest stalled first, at most MAX_LISTED. */
  orders: StalledOrder[];
}

export type FindStalledOrders = (now?: Date) => Promise<StalledOrderCheck>;

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** The two visibility queries of a check: unsettled orders that are not held, and held ones. */
export function stalledOrderQueries(cutoff: Date): { unsettled: string; held: string } {
  const startedBefore = `WorkflowType = 'orderSaga' AND ExecutionStatus = 'Running' AND StartTime < '${cutoff.toISOString()}'`;
  return {
    // IS NULL: a saga started by hand without search attributes shows no status until it is held or settles.
    unsettled: `${startedBefore} AND (OrderStatus IS NULL OR OrderStatus NOT IN (${quoted([...settledStatuses, 'awaiting_review'])}))`,
    held: `${startedBefore} AND OrderStatus = 'awaiting_review'`,
  };
}

/** The held orders whose review was decided before `cutoff`: stalled since their decision. */
export function stalledAfterReview(
  held: readonly Omit<StalledOrder, 'stalledSince'>[],
  decidedAt: ReadonlyMap<string, Date>,
  cutoff: Date,
): StalledOrder[] {
  return held.flatMap((order) => {
    const decided = decidedAt.get(order.orderId);
    return decided && decided < cutoff ? [{ ...order, reviewDecidedAt: decided, stalledSince: decided }] : [];
  });
}

function listedOrder(info: WorkflowExecutionInfo): Omit<StalledOrder, 'stalledSince'> {
  const status = OrderStatus.safeParse(info.typedSearchAttributes.get(OrderStatusKey));
  return {
    orderId: orderIdOfWorkflow(info.workflowId),
    workflowId: info.workflowId,
    runId: info.runId,
    status: status.success ? status.data : undefined,
    startedAt: info.startTime,
  };
}

async function listed(client: Client, query: string): Promise<Omit<StalledOrder, 'stalledSince'>[]> {
  const orders: Omit<StalledOrder, 'stalledSince'>[] = [];
  for await (const info of client.workflow.list({ query, pageSize: 200 })) {
    orders.push(listedOrder(info));
    if (orders.length >= MAX_LISTED) break;
  }
  return orders;
}

/**
 * When each order's review was decided, from its order.review_decided event. Published events stay in the
 * outbox for OUTBOX_RETENTION_HOURS: an order decided longer ago than that reads as still held.
 */
async function reviewDecisions(pool: Pool, orderIds: readonly string[]): Promise<Map<string, Date>> {
  if (orderIds.length === 0) return new Map();
  const { rows } = await pool.query<{ order_id: string; decided_at: Date }>(
    `SELECT message_key AS order_id, max((event->>'time')::timestamptz) AS decided_at
       FROM outbox_events WHERE message_key = ANY($1) AND type = 'order.review_decided'
      GROUP BY message_key`,
    [orderIds],
  );
  return new Map(rows.map((row) => [row.order_id, row.decided_at]));
}

export function createStalledOrderFinder(
  client: Client,
  pool: Pool,
  options: { stalledAfterMs: number; timeoutMs: number },
): FindStalledOrders {
  return async function findStalledOrders(now = new Date()) {
    const cutoff = new Date(now.getTime() - options.stalledAfterMs);
    const queries = stalledOrderQueries(cutoff);
    const [counted, unsettled, held] = await client.withDeadline(now.getTime() + options.timeoutMs, () =>
      Promise.all([
        client.workflow.count(queries.unsettled),
        listed(client, queries.unsettled),
        listed(client, queries.held),
      ]),
    );
    const decided = await reviewDecisions(
      pool,
      held.map((order) => order.orderId),
    );
    const afterReview = stalledAfterReview(held, decided, cutoff);
    const orders = [
      ...unsettled.map((order) => ({ ...order, stalledSince: order.startedAt })),
      ...afterReview,
    ]
      .sort((a, b) => a.stalledSince.getTime() - b.stalledSince.getTime())
      .slice(0, MAX_LISTED);
    // The count and the listing are two reads: an order settling in between must not make total < listed.
    const total = Math.max(counted.count, unsettled.length) + afterReview.length;
    return { checkedAt: now, stalledAfterMs: options.stalledAfterMs, total, orders };
  };
}
