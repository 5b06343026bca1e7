/** The operator and operations routes of the route table (`contracts/http-api.ts`): stalled orders, health, metrics, OpenAPI, pages. */
import { z } from 'zod';
import { Health, Readiness, StalledOrders } from './http-operations';
import { OrderIdParams } from './http-orders';
import { operators } from './http-route';
import type { HttpRoute } from './http-route';

export const operationsRoutes = {
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
