/**
 * The HTTP API as data: every route with its roles, request schemas and responses keyed by status. The
 * server mounts its handlers from this table and the OpenAPI document is generated from it, so neither
 * can list a route the other lacks.
 */
import { analyticsRoutes } from './http-analytics-routes';
import { catalogRoutes } from './http-catalog-routes';
import { dealRoutes } from './http-deal-routes';
import { operationsRoutes } from './http-operations-routes';
import { orderRoutes } from './http-order-routes';
import type { HttpRoute } from './http-route';

export type { HttpRoute } from './http-route';
export { Health, Readiness } from './http-operations';

/** In this order in the OpenAPI document. */
export const apiRoutes = {
  ...orderRoutes,
  ...catalogRoutes,
  ...dealRoutes,
  ...analyticsRoutes,
  ...operationsRoutes,
} as const satisfies Record<string, HttpRoute>;

export type ApiRoutes = typeof apiRoutes;
