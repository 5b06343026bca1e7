/** The analytics routes of the route table (`contracts/http-api.ts`): figures of the order stream from Druid. */
import {
  AnalyticsQuery,
  FraudDecisions,
  InventoryFlow,
  Notifications,
  OrderFlow,
  Revenue,
  ReviewQueue,
  TopSkus,
  TopSkusQuery,
} from './http-analytics';
import type { HttpRoute } from './http-route';
import type { ProblemCode } from './http-problem';
import { operators } from './http-route';

/** What an analytics route can be answered with (503 when Druid does not answer in time). */
const analyticsProblems = [
  'validation_failed',
  'unauthenticated',
  'forbidden',
] as const satisfies readonly ProblemCode[];
const analytics = { tag: 'analytics', roles: operators, problems: analyticsProblems } as const;

export const analyticsRoutes = {
  orderFlow: {
    ...analytics,
    method: 'get',
    path: '/v1/analytics/orders',
    summary: 'Orders per bucket by outcome: created, reserved, confirmed, rejected (by reason), cancelled',
    query: AnalyticsQuery,
    responses: { 200: OrderFlow },
  },
  revenue: {
    ...analytics,
    method: 'get',
    path: '/v1/analytics/revenue',
    summary: 'Revenue of confirmed orders per bucket and currency',
    query: AnalyticsQuery,
    responses: { 200: Revenue },
  },
  topSkus: {
    ...analytics,
    method: 'get',
    path: '/v1/analytics/top-skus',
    summary: 'The SKUs with the most units in confirmed orders',
    query: TopSkusQuery,
    responses: { 200: TopSkus },
  },
  fraudDecisions: {
    ...analytics,
    method: 'get',
    path: '/v1/analytics/fraud',
    summary: 'Fraud decisions per bucket, and how reviews ended',
    query: AnalyticsQuery,
    responses: { 200: FraudDecisions },
  },
  reviewQueue: {
    ...analytics,
    method: 'get',
    path: '/v1/analytics/review-queue',
    summary: 'Orders held for review in the range and still undecided: how many, and how long they wait',
    query: AnalyticsQuery,
    responses: { 200: ReviewQueue },
  },
  inventoryFlow: {
    ...analytics,
    method: 'get',
    path: '/v1/analytics/inventory',
    summary: 'Units reserved, released and committed per SKU',
    query: AnalyticsQuery,
    responses: { 200: InventoryFlow },
  },
  notifications: {
    ...analytics,
    method: 'get',
    path: '/v1/analytics/notifications',
    summary: 'Customer notifications sent and failed per bucket, failures by kind',
    query: AnalyticsQuery,
    responses: { 200: Notifications },
  },
} as const satisfies Record<string, HttpRoute>;
