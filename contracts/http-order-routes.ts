/** The order routes of the route table (`contracts/http-api.ts`): submit, list, read, timeline, cancel, review. */
import {
  CancelOrderBody,
  OrderAccepted,
  OrderDetails,
  OrderIdParams,
  OrderList,
  OrderListQuery,
  OrderUpdateHeaders,
  ReviewOrderBody,
  SubmitOrderHeaders,
  SubmitOrderQuery,
} from './http-orders';
import { anyone, operators } from './http-route';
import { OrderTimeline } from './http-timeline';
import { OrderInput } from './order';
import type { HttpRoute } from './http-route';

export const orderRoutes = {
  submitOrder: {
    method: 'post',
    path: '/v1/orders',
    summary: 'Submit an order',
    description:
      'Prices the lines from the catalog, records the order and starts its saga: 202 means the order is accepted ' +
      'and will run, even if its saga starts a moment after the answer (or once Temporal is reachable again). ' +
      'The same Idempotency-Key with the same body ' +
      'returns the same order (202 the first time, 200 after); with a different body it is refused (409). ' +
      '`?wait=reservation` answers once the stock is reserved or found short.',
    tag: 'orders',
    roles: anyone,
    headers: SubmitOrderHeaders,
    query: SubmitOrderQuery,
    body: OrderInput,
    responses: { 200: OrderAccepted, 202: OrderAccepted },
    problems: [
      'validation_failed',
      'malformed_json',
      'unauthenticated',
      'forbidden',
      'idempotency_key_reused',
      'payload_too_large',
      'unsupported_media_type',
      'unknown_sku',
      'duplicate_sku',
      'mixed_currencies',
    ],
  },
  listOrders: {
    method: 'get',
    path: '/v1/orders',
    summary: 'List orders by customer and status',
    description: 'Reads Temporal visibility (eventually consistent: a new order appears within a moment).',
    tag: 'orders',
    roles: anyone,
    query: OrderListQuery,
    responses: { 200: OrderList },
    problems: ['validation_failed', 'unauthenticated', 'forbidden'],
  },
  getOrder: {
    method: 'get',
    path: '/v1/orders/{orderId}',
    summary: "Read an order's full state and timeline",
    description:
      "Answered by the order's saga (response header `Order-View: saga`). When no order worker answers " +
      'within API_ORDER_QUERY_TIMEOUT_MS (workers stopped or working through a backlog), the state is ' +
      "rebuilt from the order's event log instead (`Order-View: event-log`): the same facts, except that " +
      'a compensation shows only when its event proves it undid something and transitions carry fewer notes.',
    tag: 'orders',
    roles: anyone,
    params: OrderIdParams,
    responses: { 200: OrderDetails },
    problems: ['validation_failed', 'unauthenticated', 'forbidden', 'order_not_found'],
  },
  getOrderTimeline: {
    method: 'get',
    path: '/v1/orders/{orderId}/timeline',
    summary: "An order's timeline: commands, saga history and Kafka events, by time",
    description:
      'Merges the inbound commands that touched the order (HTTP or Kafka, with how each ended), the steps, ' +
      "status changes, updates and timers of its saga's Temporal history (compensations marked), and its " +
      'outbound events with their topic, partition and offset once published. Links to the saga in the ' +
      'Temporal UI and to the mail inbox when those are configured.',
    tag: 'orders',
    roles: operators,
    params: OrderIdParams,
    responses: { 200: OrderTimeline },
    problems: ['validation_failed', 'unauthenticated', 'forbidden', 'order_not_found'],
  },
  cancelOrder: {
    method: 'post',
    path: '/v1/orders/{orderId}/cancel',
    summary: 'Cancel an order',
    description:
      'Storefront keys may cancel the orders they submitted; operator keys any order. Answers 200 once the ' +
      'compensation has run, or 202 when the cancellation was accepted but is still being applied (the ' +
      "order's state as known now; read the order for its end). An optional Idempotency-Key makes a " +
      'retried cancellation apply once.',
    tag: 'orders',
    roles: anyone,
    params: OrderIdParams,
    headers: OrderUpdateHeaders,
    body: CancelOrderBody,
    responses: { 200: OrderDetails, 202: OrderDetails },
    problems: [
      'validation_failed',
      'malformed_json',
      'unauthenticated',
      'forbidden',
      'order_not_found',
      'order_update_refused',
      'order_closed',
      'payload_too_large',
      'unsupported_media_type',
    ],
  },
  reviewOrder: {
    method: 'post',
    path: '/v1/orders/{orderId}/review',
    summary: 'Approve or reject an order held for fraud review',
    description:
      'Answers 200 once the decision took effect (confirmed or rejected), or 202 when it was accepted but is ' +
      'still being applied (read the order for its end).',
    tag: 'orders',
    roles: operators,
    params: OrderIdParams,
    headers: OrderUpdateHeaders,
    body: ReviewOrderBody,
    responses: { 200: OrderDetails, 202: OrderDetails },
    problems: [
      'validation_failed',
      'malformed_json',
      'unauthenticated',
      'forbidden',
      'order_not_found',
      'order_update_refused',
      'order_closed',
      'payload_too_large',
      'unsupported_media_type',
    ],
  },
} as const satisfies Record<string, HttpRoute>;
