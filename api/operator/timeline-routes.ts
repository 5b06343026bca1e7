/** `/v1/orders/{orderId}/timeline`: the order's commands, saga history and events, merged by time. */
import express from 'express';
import type { Router } from 'express';
import { apiRoutes } from '../../contracts/http-api';
import type { OrderTimelineReader } from './order-timeline';
import type { MountOptions } from '../http/route';
import { mount } from '../http/route';

export function timelineRoutes(deps: { readTimeline: OrderTimelineReader }, options: MountOptions): Router {
  const router = express.Router();
  mount(
    router,
    apiRoutes.getOrderTimeline,
    async ({ params }) => ({ status: 200 as const, body: await deps.readTimeline(params.orderId) }),
    options,
  );
  return router;
}
