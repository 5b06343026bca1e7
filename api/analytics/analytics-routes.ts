/** `/v1/analytics/...`: figures of the order stream from Druid, for operators. Druid down or slow → 503. */
import express from 'express';
import type { Router } from 'express';
import { resolveRange } from '../../contracts/http-analytics';
import { apiRoutes } from '../../contracts/http-api';
import { DruidUnavailableError } from '../../platform/druid';
import type { DruidSql } from '../../platform/druid';
import { fraudDecisions, notifications, orderFlow, revenue, reviewQueue } from './order-figures';
import { inventoryFlow, topSkus } from './sku-figures';
import { ServiceUnavailableError } from '../http/errors';
import type { MountOptions } from '../http/route';
import { mount } from '../http/route';

export interface AnalyticsDependencies {
  druid: DruidSql;
}

/** Answers Druid's outage as the API's 503 problem; anything else stays an error of its own. */
async function fromDruid<T>(figure: Promise<T>): Promise<{ status: 200; body: T }> {
  try {
    return { status: 200, body: await figure };
  } catch (err) {
    if (err instanceof DruidUnavailableError) throw new ServiceUnavailableError('druid', 10);
    throw err;
  }
}

export function analyticsRoutes({ druid }: AnalyticsDependencies, options: MountOptions): Router {
  const router = express.Router();
  mount(
    router,
    apiRoutes.orderFlow,
    ({ query }) => fromDruid(orderFlow(druid, resolveRange(query))),
    options,
  );
  mount(router, apiRoutes.revenue, ({ query }) => fromDruid(revenue(druid, resolveRange(query))), options);
  mount(
    router,
    apiRoutes.topSkus,
    ({ query }) => fromDruid(topSkus(druid, resolveRange(query), query.limit)),
    options,
  );
  mount(
    router,
    apiRoutes.fraudDecisions,
    ({ query }) => fromDruid(fraudDecisions(druid, resolveRange(query))),
    options,
  );
  mount(
    router,
    apiRoutes.reviewQueue,
    ({ query }) => fromDruid(reviewQueue(druid, resolveRange(query))),
    options,
  );
  mount(
    router,
    apiRoutes.inventoryFlow,
    ({ query }) => fromDruid(inventoryFlow(druid, resolveRange(query))),
    options,
  );
  mount(
    router,
    apiRoutes.notifications,
    ({ query }) => fromDruid(notifications(druid, resolveRange(query))),
    options,
  );
  return router;
}
