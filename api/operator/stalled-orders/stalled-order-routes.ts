/** `/v1/operations/stalled-orders`: the orders that stopped moving, read when asked (operator key). */
import express from 'express';
import type { Router } from 'express';
import { apiRoutes } from '../../../contracts/http-api';
import type { StalledOrders } from '../../../contracts/http-operations';
import type { AppConfig } from '../../../platform/config';
import type { MountOptions } from '../../http/route';
import { mount } from '../../http/route';
import type { StalledOrderCheck } from './stalled-order-finder';
import type { FindStalledOrders } from './stalled-order-finder';
import { temporalUiRunUrl } from '../temporal-ui';

export interface StalledOrderRouteDependencies {
  findStalledOrders: FindStalledOrders;
  temporal: Pick<AppConfig['temporal'], 'uiUrl' | 'namespace'>;
}

/** A check as the route answers it, with links to each order's pages. */
export function stalledOrdersView(
  check: StalledOrderCheck,
  temporal: StalledOrderRouteDependencies['temporal'],
): StalledOrders {
  const now = check.checkedAt.getTime();
  return {
    stalledAfterSeconds: check.stalledAfterMs / 1000,
    checkedAt: check.checkedAt.toISOString(),
    total: check.total,
    orders: check.orders.map((order) => {
      const temporalUi = temporalUiRunUrl(temporal, order.workflowId, order.runId);
      return {
        orderId: order.orderId,
        ...(order.status ? { status: order.status } : {}),
        startedAt: order.startedAt.toISOString(),
        ...(order.reviewDecidedAt ? { reviewDecidedAt: order.reviewDecidedAt.toISOString() } : {}),
        stalledSince: order.stalledSince.toISOString(),
        ageSeconds: Math.max(0, (now - order.startedAt.getTime()) / 1000),
        links: {
          order: `/v1/orders/${order.orderId}`,
          timeline: `/v1/orders/${order.orderId}/timeline`,
          ...(temporalUi ? { temporalUi } : {}),
        },
      };
    }),
  };
}

export function stalledOrderRoutes(deps: StalledOrderRouteDependencies, options: MountOptions): Router {
  const router = express.Router();
  mount(
    router,
    apiRoutes.stalledOrders,
    async () => ({
      status: 200 as const,
      body: stalledOrdersView(await deps.findStalledOrders(), deps.temporal),
    }),
    options,
  );
  return router;
}
