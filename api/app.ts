/**
 * The express application: middleware in the order a request meets it, the routes of the contract, and
 * the one error handler. Clients are passed in by the composition root (api/server.ts) or a test.
 */
import type { Client } from '@temporalio/client';
import express from 'express';
import type { Express } from 'express';
import type { Pool } from 'pg';
import { apiRoutes } from '../contracts/http-api';
import type { AppConfig } from '../platform/config';
import { createDruidSql } from '../platform/druid';
import type { Logger } from '../platform/logger';
import { createOrderCommandLog } from '../platform/order-command-log';
import { authenticate, createKeyring } from './http/auth';
import type { CreateProductOptions } from './catalog/catalog-store';
import { createCatalogStore } from './catalog/catalog-store';
import { createDealGateway } from './deals/deal-gateway';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { createIdempotencyStore } from './orders/idempotency';
import { methodGuard } from './http/method-guard';
import { createHttpMetrics } from './http/metrics';
import { createOrderGateway } from './orders/order-gateway';
import { createOrderTimelineReader } from './operator/order-timeline';
import { rateLimit } from './http/rate-limit';
import { createRateLimitStore } from './http/rate-limit-store';
import type { DependencyCheck } from './http/readiness';
import { requestLog } from './http/request-log';
import { registerStalledOrderMetrics } from './operator/stalled-orders/stalled-order-metrics';
import { createStalledOrderWatchdog } from './operator/stalled-orders/stalled-order-watchdog';
import type { StalledOrderWatchdog } from './operator/stalled-orders/stalled-order-watchdog';
import { analyticsRoutes } from './analytics/analytics-routes';
import { catalogRoutes } from './catalog/catalog-routes';
import { dealRoutes } from './deals/deal-routes';
import { operationsRoutes } from './http/operations-routes';
import { orderRoutes } from './orders/order-routes';
import { stalledOrderRoutes } from './operator/stalled-orders/stalled-order-routes';
import { timelineRoutes } from './operator/timeline-routes';
import { jsonBody, requireJsonBody, securityHeaders } from './http/security';

export interface ApiDependencies {
  config: Pick<
    AppConfig,
    'env' | 'api' | 'temporal' | 'saga' | 'analytics' | 'mail' | 'outbox' | 'crashPoints'
  >;
  logger: Logger;
  readiness: Record<string, DependencyCheck>;
  pool: Pool;
  temporal: Client;
  /** Runs last inside a product's transaction; tests fail a create there (nothing may be left of it). */
  beforeProductCommit?: CreateProductOptions['beforeCommit'];
  /**
   * The process's stalled-order watchdog, whose checks the composition root runs (api/server.ts). Absent,
   * the app makes one that checks only when asked: the route still answers, the gauge stays at 0.
   */
  stalledOrders?: StalledOrderWatchdog;
}

export function createApp(deps: ApiDependencies): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Routes are exact: `/v1/orders/` is not `/v1/orders`, and `/V1/orders` is not either.
  app.set('strict routing', true);
  app.set('case sensitive routing', true);

  const metrics = createHttpMetrics();
  const stalledOrders =
    deps.stalledOrders ??
    createStalledOrderWatchdog({ client: deps.temporal, pool: deps.pool, config, logger });
  registerStalledOrderMetrics(metrics.registry, stalledOrders);
  const options = { checkResponses: config.env !== 'production' };
  const perMinute = config.api.rateLimitPerMinute;
  const rateLimiter = rateLimit(createRateLimitStore({ perMinute, pool: deps.pool }), perMinute, logger);

  app.use(metrics.middleware);
  app.use(requestLog(logger));
  app.use(securityHeaders());
  app.use(methodGuard(Object.values(apiRoutes)));
  app.use(operationsRoutes({ readiness: deps.readiness, metrics }, options));

  // Everything under /v1 needs a key: identify it, spend one request of its budget, then check the body.
  app.use('/v1', authenticate(createKeyring(config.api.keys)), rateLimiter);
  app.use('/v1', requireJsonBody(), jsonBody(config.api.bodyLimit));
  app.use(
    orderRoutes(
      {
        pool: deps.pool,
        orders: createOrderGateway(deps.temporal, deps.pool, config, logger),
        idempotency: createIdempotencyStore(deps.pool),
        commands: createOrderCommandLog(deps.pool, logger),
      },
      options,
    ),
  );
  app.use(
    timelineRoutes({ readTimeline: createOrderTimelineReader(deps.temporal, deps.pool, config) }, options),
  );
  app.use(stalledOrderRoutes({ findStalledOrders: stalledOrders.find, temporal: config.temporal }, options));
  app.use(dealRoutes({ pool: deps.pool, deals: createDealGateway(deps.temporal, config) }, options));
  app.use(
    catalogRoutes(
      { catalog: createCatalogStore(deps.pool), beforeProductCommit: deps.beforeProductCommit },
      options,
    ),
  );

  app.use(analyticsRoutes({ druid: createDruidSql(config.analytics) }, options));

  app.use(notFoundHandler());
  app.use(errorHandler(logger, config.api.bodyLimit));
  return app;
}
