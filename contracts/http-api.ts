/**
 * The HTTP API as data: every route with its roles, request schemas and responses keyed by status. The
 * server mounts its handlers from this table and the OpenAPI document is generated from it, so neither
 * can list a route the other lacks.
 */
import { z } from 'zod';
import { analyticsRoutes } from './http-analytics-routes';
import type { ApiRole } from './http-auth';
import {
  InventoryLevel,
  InventoryUpdate,
  Product,
  ProductInput,
  ProductList,
  ProductListQuery,
  SkuParams,
} from './http-catalog';
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
import {
  CancelDealBody,
  DealIdParams,
  DealList,
  DealView,
  JoinDealBody,
  LeaveDealBody,
  OpenDealBody,
} from './http-groups';
import { StalledOrders } from './http-operations';
import type { ProblemCode } from './http-problem';
import { OrderTimeline } from './http-timeline';
import { OrderInput } from './order';

export const Health = z.object({ status: z.literal('ok') });

export const Readiness = z.object({
  ready: z.boolean(),
  dependencies: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
});

export interface HttpRoute {
  method: 'get' | 'post' | 'put';
  /** OpenAPI path syntax: `/v1/orders/{orderId}`. */
  path: string;
  summary: string;
  description?: string;
  tag: 'orders' | 'catalog' | 'deals' | 'analytics' | 'dashboard' | 'operations';
  /** Roles allowed to call the route; absent for public routes. */
  roles?: readonly ApiRole[];
  params?: z.ZodType;
  query?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType;
  /** Success responses by status; a schema, or the media type of a non-JSON body. */
  responses: Record<number, z.ZodType | 'text/plain' | 'text/html'>;
  /** Problem codes the route can answer with, beside the ones every route can (429, 500, 503). */
  problems: readonly ProblemCode[];
}

const anyone = ['storefront', 'operator'] as const;
/** What a join, leave or cancellation of a deal can be answered with. */
const dealUpdateProblems = [
  'validation_failed',
  'malformed_json',
  'unauthenticated',
  'forbidden',
  'deal_not_found',
  'deal_request_refused',
  'payload_too_large',
  'unsupported_media_type',
] as const satisfies readonly ProblemCode[];
const operators = ['operator'] as const;

export const apiRoutes = {
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
  createProduct: {
    method: 'post',
    path: '/v1/products',
    summary: 'Add a product to the catalog (emits product.created)',
    description: 'Posting the same product again answers 200 and republishes the event with the same id.',
    tag: 'catalog',
    roles: operators,
    body: ProductInput,
    responses: { 200: Product, 201: Product },
    problems: [
      'validation_failed',
      'malformed_json',
      'unauthenticated',
      'forbidden',
      'product_exists',
      'payload_too_large',
      'unsupported_media_type',
    ],
  },
  listProducts: {
    method: 'get',
    path: '/v1/products',
    summary: 'List the catalog, by SKU',
    tag: 'catalog',
    roles: anyone,
    query: ProductListQuery,
    responses: { 200: ProductList },
    problems: ['validation_failed', 'unauthenticated', 'forbidden'],
  },
  setInventory: {
    method: 'put',
    path: '/v1/inventory/{sku}',
    summary: 'Set the units of a SKU available for sale',
    tag: 'catalog',
    roles: operators,
    params: SkuParams,
    body: InventoryUpdate,
    responses: { 200: InventoryLevel },
    problems: [
      'validation_failed',
      'malformed_json',
      'unauthenticated',
      'forbidden',
      'product_not_found',
      'payload_too_large',
      'unsupported_media_type',
    ],
  },
  getInventory: {
    method: 'get',
    path: '/v1/inventory/{sku}',
    summary: 'Read the stock of a SKU',
    tag: 'catalog',
    roles: anyone,
    params: SkuParams,
    responses: { 200: InventoryLevel },
    problems: ['validation_failed', 'unauthenticated', 'forbidden', 'product_not_found'],
  },
  openDeal: {
    method: 'post',
    path: '/v1/deals',
    summary: 'Open a group deal; the leader joins at once',
    description:
      'A deal for one SKU at a group price forms when `targetSize` customers have joined before the deadline: ' +
      'each participant is then charged and their order confirmed. If the deadline passes first, every ' +
      'authorization is voided and every unit released. Joining reserves a unit and authorizes the payment at once.',
    tag: 'deals',
    roles: anyone,
    body: OpenDealBody,
    responses: { 201: DealView },
    problems: [
      'validation_failed',
      'malformed_json',
      'unauthenticated',
      'forbidden',
      'deal_exists',
      'deal_request_refused',
      'payload_too_large',
      'unsupported_media_type',
      'unknown_sku',
      'invalid_deal_terms',
    ],
  },
  listDeals: {
    method: 'get',
    path: '/v1/deals',
    summary: 'List the open deals, newest first',
    tag: 'deals',
    roles: anyone,
    responses: { 200: DealList },
    problems: ['unauthenticated', 'forbidden'],
  },
  getDeal: {
    method: 'get',
    path: '/v1/deals/{dealId}',
    summary: 'Read a deal with its participants and the time left',
    tag: 'deals',
    roles: anyone,
    params: DealIdParams,
    responses: { 200: DealView },
    problems: ['validation_failed', 'unauthenticated', 'forbidden', 'deal_not_found'],
  },
  joinDeal: {
    method: 'post',
    path: '/v1/deals/{dealId}/join',
    summary: 'Join a deal: reserves a unit and authorizes the payment',
    tag: 'deals',
    roles: anyone,
    params: DealIdParams,
    body: JoinDealBody,
    responses: { 200: DealView },
    problems: dealUpdateProblems,
  },
  leaveDeal: {
    method: 'post',
    path: '/v1/deals/{dealId}/leave',
    summary: 'Leave a deal before it forms: the authorization is voided and the unit released',
    tag: 'deals',
    roles: anyone,
    params: DealIdParams,
    body: LeaveDealBody,
    responses: { 200: DealView },
    problems: dealUpdateProblems,
  },
  cancelDeal: {
    method: 'post',
    path: '/v1/deals/{dealId}/cancel',
    summary: 'Cancel an open deal: everyone is voided and released',
    tag: 'deals',
    roles: operators,
    params: DealIdParams,
    body: CancelDealBody,
    responses: { 200: DealView },
    problems: dealUpdateProblems,
  },
  ...analyticsRoutes,
  stalledOrders: {
    method: 'get',
    path: '/v1/operations/stalled-orders',
    summary: 'Orders not settled within ORDER_STALLED_AFTER_MINUTES, orders waiting for a review aside',
    description:
      'Read from Temporal visibility when asked: running sagas started longer ago than the bound that have not ' +
      'settled, and held orders whose review was decided longer ago than the bound and that have not settled ' +
      'since. Each is also raised once as `order.stalled` on `fusioncommerce.order-alerts.v1` and counted in ' +
      '`fc_orders_stalled` on /metrics by the watchdog every API process runs.',
    tag: 'operations',
    roles: operators,
    responses: { 200: StalledOrders },
    problems: ['unauthenticated', 'forbidden'],
  },
  health: {
    method: 'get',
    path: '/healthz',
    summary: 'The process is up',
    tag: 'operations',
    responses: { 200: Health },
    problems: [],
  },
  readiness: {
    method: 'get',
    path: '/readyz',
    summary: 'Temporal, Kafka and PostgreSQL are reachable',
    tag: 'operations',
    responses: { 200: Readiness, 503: Readiness },
    problems: [],
  },
  metrics: {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: request counts and latency by route and status',
    tag: 'operations',
    responses: { 200: 'text/plain' },
    problems: [],
  },
  openapi: {
    method: 'get',
    path: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'operations',
    responses: { 200: z.record(z.string(), z.unknown()) },
    problems: [],
  },
  docs: {
    method: 'get',
    path: '/docs',
    summary: 'Interactive API documentation',
    tag: 'operations',
    responses: { 200: 'text/html' },
    problems: [],
  },
  dashboardPage: {
    method: 'get',
    path: '/dashboard',
    summary: 'Live commerce dashboard (HTML)',
    description:
      'Charts of the analytics routes, refreshed on their own. The page is public; its data needs an operator ' +
      'key, taken from the URL fragment (`/dashboard#key=…`, never sent to a server) or asked for on the page.',
    tag: 'dashboard',
    responses: { 200: 'text/html' },
    problems: [],
  },
  orderTimelinePage: {
    method: 'get',
    path: '/dashboard/orders/{orderId}',
    summary: "One order's timeline (HTML)",
    description:
      'Commands, workflow transitions and Kafka events of one order on one timeline. Needs an operator key like /dashboard.',
    tag: 'dashboard',
    params: OrderIdParams,
    responses: { 200: 'text/html' },
    problems: ['validation_failed'],
  },
} as const satisfies Record<string, HttpRoute>;

export type ApiRoutes = typeof apiRoutes;
export type RouteName = keyof ApiRoutes;
