/** Lists orders through Temporal visibility, filtered by the search attributes the saga keeps current. */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import type { OrderList, OrderListQuery } from '../../contracts/http-orders';
import { OrderStatus } from '../../contracts/order-status';
import { CustomerIdKey, OrderStatusKey, OrderTotalKey } from '../../workflows/search-attributes';
import { ValidationError } from '../http/errors';
import { openPageToken, sealPageToken } from './page-token';

const ORDER_PREFIX = 'order-';

/** The order id in an order saga's workflow id (`order-<orderId>`, see workflows/messages.ts). */
export function orderIdOfWorkflow(workflowId: string): string {
  return workflowId.startsWith(ORDER_PREFIX) ? workflowId.slice(ORDER_PREFIX.length) : workflowId;
}
const GRPC_INVALID_ARGUMENT = 3;

function decodeAttribute(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  // Keyword attributes may come back as one-element lists from some visibility stores.
  return Array.isArray(value) ? (value as unknown[])[0] : value;
}

type Timestamp = { seconds?: { toNumber(): number } | number | null; nanos?: number | null };

function isoTime(ts: Timestamp | null | undefined): string | undefined {
  if (!ts) return undefined;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0);
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

/** One page of orders from Temporal visibility (search attributes), newest first. */
export async function listOrders(
  client: Client,
  withDeadline: <T>(fn: () => Promise<T>) => Promise<T>,
  query: OrderListQuery,
  tokenKey: Buffer,
): Promise<OrderList> {
  const invalidToken = () =>
    new ValidationError([{ path: 'query.pageToken', message: 'pageToken is not a token of this listing' }]);
  const pageToken = query.pageToken === undefined ? undefined : openPageToken(tokenKey, query.pageToken);
  if (query.pageToken !== undefined && !pageToken) throw invalidToken();
  const clauses = [`WorkflowType = 'orderSaga'`];
  // Both values are validated by the contract (an enum, and an id without quotes or backslashes).
  if (query.customerId) clauses.push(`CustomerId = "${query.customerId}"`);
  if (query.status) clauses.push(`OrderStatus = "${query.status}"`);
  let response;
  try {
    response = await withDeadline(() =>
      client.workflowService.listWorkflowExecutions({
        namespace: client.options.namespace,
        query: clauses.join(' AND '),
        pageSize: query.pageSize,
        ...(pageToken ? { nextPageToken: pageToken } : {}),
      }),
    );
  } catch (err) {
    // A sealed token Temporal refuses: issued for another query (filters changed between pages).
    if ((err as { code?: unknown }).code === GRPC_INVALID_ARGUMENT && pageToken) throw invalidToken();
    throw err;
  }
  const orders = response.executions.map((execution) => {
    const fields = execution.searchAttributes?.indexedFields ?? {};
    const workflowId = execution.execution?.workflowId ?? '';
    const orderId = orderIdOfWorkflow(workflowId);
    const status = OrderStatus.safeParse(decodeAttribute(fields[OrderStatusKey.name]));
    const customerId = decodeAttribute(fields[CustomerIdKey.name]);
    const total = decodeAttribute(fields[OrderTotalKey.name]);
    return {
      orderId,
      ...(status.success ? { status: status.data } : {}),
      ...(typeof customerId === 'string' ? { customerId } : {}),
      ...(typeof total === 'number' ? { totalMinor: Math.round(total * 100) } : {}),
      startedAt: isoTime(execution.startTime) ?? new Date(0).toISOString(),
      ...(execution.closeTime ? { closedAt: isoTime(execution.closeTime) } : {}),
      links: { self: `/v1/orders/${orderId}` },
    };
  });
  const token = response.nextPageToken;
  return {
    orders,
    ...(token && token.length > 0 ? { nextPageToken: sealPageToken(tokenKey, token) } : {}),
  };
}
