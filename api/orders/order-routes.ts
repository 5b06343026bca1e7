/** `/v1/orders`: submit (idempotent), read, list, cancel and review orders. */
import express from 'express';
import type { Router } from 'express';
import type { Pool } from 'pg';
import type { OrderCommandLog } from '../../platform/order-command-log';
import { apiRoutes } from '../../contracts/http-api';
import type { OrderAccepted, OrderDetails, ReservationOutcome } from '../../contracts/http-orders';
import type { OrderState } from '../../contracts/order-state';
import { PricedOrder } from '../../contracts/order';
import type { OrderInput } from '../../contracts/order';
import type { Principal } from '../http/auth';
import { ForbiddenError, IdempotencyKeyReusedError } from '../http/errors';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency';
import { deriveOrderId, requestHash } from './idempotency';
import type { OrderGateway } from './order-gateway';
import { recordedOrderRequest } from './order-command-recording';
import { priceLines } from './order-pricing';
import type { MountOptions } from '../http/route';
import { mount } from '../http/route';

export interface OrderRouteDependencies {
  pool: Pool;
  orders: OrderGateway;
  idempotency: IdempotencyStore;
  /** Where submissions, cancellations and review decisions are recorded for the order timeline. */
  commands: OrderCommandLog;
}

function links(orderId: string) {
  const self = `/v1/orders/${orderId}`;
  return { self, cancel: `${self}/cancel`, review: `${self}/review` };
}

function reservationOutcome(state: OrderState | undefined, timedOut: boolean): ReservationOutcome {
  if (timedOut || !state) return { outcome: 'pending' };
  if (state.shortages) return { outcome: 'insufficient_stock', shortages: state.shortages };
  if (state.reservation?.status === 'reserved' || state.reservation?.status === 'committed') {
    return { outcome: 'reserved' };
  }
  return { outcome: 'not_reserved' };
}

const details = (state: OrderState): OrderDetails => ({ ...state, links: links(state.orderId) });

/** The saga's input, from the recorded lines and prices and the (identical, for a retry) body. */
function pricedOrder(claimed: IdempotencyRecord, body: OrderInput): PricedOrder {
  return PricedOrder.parse({
    orderId: claimed.orderId,
    customerId: body.customerId,
    lines: claimed.lines,
    currency: claimed.currency,
    totalMinor: claimed.totalMinor,
    shippingAddress: body.shippingAddress,
    contact: body.contact,
    ...(body.payment ? { payment: body.payment } : {}),
    placedAt: claimed.placedAt,
  });
}

/** Storefront keys may cancel only the orders they submitted; operators any order. */
async function assertMayCancel(orders: OrderGateway, principal: Principal, orderId: string): Promise<void> {
  if (principal.role === 'operator') return;
  const { submittedBy } = await orders.facts(orderId);
  if (submittedBy !== principal.name) {
    throw new ForbiddenError(
      principal.name,
      ['operator'],
      `API key ${principal.name} may cancel only the orders it submitted; cancelling order ${orderId} needs the role operator`,
    );
  }
}

export function orderRoutes(deps: OrderRouteDependencies, options: MountOptions): Router {
  const router = express.Router();

  mount(
    router,
    apiRoutes.submitOrder,
    async ({ principal, headers, query, body, res }) => {
      const key = headers['idempotency-key'];
      const hash = requestHash(body);
      // Both reads at once: pricing a retried submission is wasted, but a new one (the common case) saves a
      // round trip to the database on the request's way. A retry answers from its record even when pricing
      // would refuse it today (a SKU withdrawn since): the order was accepted at its recorded prices.
      const [found, pricing] = await Promise.all([
        deps.idempotency.find(principal.name, key),
        priceLines(deps.pool, body.lines).then(
          (priced) => ({ priced }),
          (error: unknown) => ({ error }),
        ),
      ]);
      let claimed = found;
      let created = false;
      if (!claimed) {
        if ('error' in pricing) throw pricing.error;
        const record: IdempotencyRecord = {
          orderId: deriveOrderId(principal.name, key),
          requestHash: hash,
          ...pricing.priced,
          placedAt: new Date().toISOString(),
        };
        const start = { submittedBy: principal.name, order: pricedOrder(record, body) };
        const outcome = await deps.idempotency.claim(principal.name, key, record, start);
        claimed = outcome.record;
        created = outcome.created;
      }
      if (claimed.requestHash !== hash) throw new IdempotencyKeyReusedError(key, claimed.orderId);

      // Rebuilt from the recorded lines and the (identical) body: every retry starts the very same order.
      const order = pricedOrder(claimed, body);
      const waiting = query.wait === 'reservation';
      const started = await recordedOrderRequest(
        deps.commands,
        {
          kind: 'submit',
          orderId: order.orderId,
          principal,
          request: { customerId: order.customerId, totalMinor: order.totalMinor, currency: order.currency },
          idempotencyKey: key,
          res,
          recordInBackground: true,
        },
        () => deps.orders.begin({ order, submittedBy: principal.name, created, waitForReservation: waiting }),
      );
      const status =
        started.state?.status ??
        (created ? 'received' : ((await deps.orders.facts(order.orderId)).status ?? 'received'));
      const reply: OrderAccepted = {
        orderId: order.orderId,
        status,
        customerId: order.customerId,
        currency: order.currency,
        totalMinor: order.totalMinor,
        lines: order.lines,
        placedAt: order.placedAt,
        ...(waiting ? { reservation: reservationOutcome(started.state, started.waitTimedOut === true) } : {}),
        links: links(order.orderId),
      };
      const responseHeaders = {
        Location: reply.links.self,
        ...(created ? {} : { 'Idempotent-Replayed': 'true' }),
      };
      return created
        ? { status: 202 as const, body: reply, headers: responseHeaders }
        : { status: 200 as const, body: reply, headers: responseHeaders };
    },
    options,
  );

  mount(
    router,
    apiRoutes.listOrders,
    async ({ query }) => ({ status: 200 as const, body: await deps.orders.list(query) }),
    options,
  );

  mount(
    router,
    apiRoutes.getOrder,
    async ({ params }) => {
      const { state, source } = await deps.orders.read(params.orderId);
      return { status: 200 as const, body: details(state), headers: { 'Order-View': source } };
    },
    options,
  );

  mount(
    router,
    apiRoutes.cancelOrder,
    async ({ principal, params, headers, body, res }) => {
      const request = { reason: body.reason, requestedBy: body.requestedBy ?? principal.name };
      const { state, applied } = await recordedOrderRequest(
        deps.commands,
        {
          kind: 'cancel',
          orderId: params.orderId,
          principal,
          actor: request.requestedBy,
          request,
          idempotencyKey: headers['idempotency-key'],
          res,
        },
        async () => {
          await assertMayCancel(deps.orders, principal, params.orderId);
          return deps.orders.cancel(params.orderId, request, headers['idempotency-key']);
        },
      );
      // Accepted but still being applied (the saga's worker is slow or was just restarted): 202, never 503.
      return applied
        ? { status: 200 as const, body: details(state) }
        : { status: 202 as const, body: details(state) };
    },
    options,
  );

  mount(
    router,
    apiRoutes.reviewOrder,
    async ({ principal, params, headers, body, res }) => {
      const { state, applied } = await recordedOrderRequest(
        deps.commands,
        {
          kind: 'review_decision',
          orderId: params.orderId,
          principal,
          actor: body.reviewer,
          request: { ...body },
          idempotencyKey: headers['idempotency-key'],
          res,
        },
        () => deps.orders.review(params.orderId, body, headers['idempotency-key']),
      );
      return applied
        ? { status: 200 as const, body: details(state) }
        : { status: 202 as const, body: details(state) };
    },
    options,
  );

  return router;
}
