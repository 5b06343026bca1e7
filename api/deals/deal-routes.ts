/** `/v1/deals`: open a group deal, join it, leave it, cancel it, read it and list the open ones. */
import express from 'express';
import type { Router } from 'express';
import type { Pool } from 'pg';
import { apiRoutes } from '../../contracts/http-api';
import type { OpenDealBody } from '../../contracts/http-groups';
import type { GroupDealTerms } from '../../contracts/group-deal';
import type { DealGateway } from './deal-gateway';
import { dealView } from './deal-gateway';
import { InvalidDealTermsError, UnknownSkuError } from '../http/errors';
import type { MountOptions } from '../http/route';
import { mount } from '../http/route';

export interface DealRouteDependencies {
  pool: Pool;
  deals: DealGateway;
}

const MINUTE_MS = 60_000;
const MAX_DEAL_MS = 30 * 24 * 60 * MINUTE_MS;

/** The deal's terms, named and priced from the catalog; refused when they cannot work. */
async function dealTerms(
  pool: Pool,
  body: OpenDealBody,
  principal: string,
  now: number,
): Promise<GroupDealTerms> {
  if (body.maxSize < body.targetSize) {
    throw new InvalidDealTermsError(`maxSize ${body.maxSize} is below targetSize ${body.targetSize}`);
  }
  const deadline = Date.parse(body.deadline);
  if (deadline < now + MINUTE_MS || deadline > now + MAX_DEAL_MS) {
    throw new InvalidDealTermsError('the deadline must be between a minute and 30 days from now');
  }
  const { rows } = await pool.query<{ name: string; currency: string }>(
    'SELECT name, currency FROM products WHERE sku = $1',
    [body.sku],
  );
  const product = rows[0];
  if (!product) throw new UnknownSkuError([body.sku]);
  return {
    dealId: body.dealId,
    sku: body.sku,
    productName: product.name,
    groupPriceMinor: body.groupPriceMinor,
    currency: product.currency,
    targetSize: body.targetSize,
    maxSize: body.maxSize,
    deadline: new Date(deadline).toISOString(),
    leaderCustomerId: body.leader.customerId || principal,
  };
}

export function dealRoutes(deps: DealRouteDependencies, options: MountOptions): Router {
  const router = express.Router();
  const view = async (dealId: string) => dealView(await deps.deals.read(dealId), Date.now());

  mount(
    router,
    apiRoutes.openDeal,
    async ({ principal, body }) => {
      const terms = await dealTerms(deps.pool, body, principal.name, Date.now());
      await deps.deals.open(terms, body.leader);
      return {
        status: 201 as const,
        body: await view(terms.dealId),
        headers: { Location: `/v1/deals/${terms.dealId}` },
      };
    },
    options,
  );
  mount(
    router,
    apiRoutes.listDeals,
    async () => ({ status: 200 as const, body: await deps.deals.list() }),
    options,
  );
  mount(
    router,
    apiRoutes.getDeal,
    async ({ params }) => ({ status: 200 as const, body: await view(params.dealId) }),
    options,
  );
  mount(
    router,
    apiRoutes.joinDeal,
    async ({ params, body }) => {
      await deps.deals.join(params.dealId, body);
      return { status: 200 as const, body: await view(params.dealId) };
    },
    options,
  );
  mount(
    router,
    apiRoutes.leaveDeal,
    async ({ params, body }) => {
      await deps.deals.leave(params.dealId, body.customerId);
      return { status: 200 as const, body: await view(params.dealId) };
    },
    options,
  );
  mount(
    router,
    apiRoutes.cancelDeal,
    async ({ params, body }) => ({
      status: 200 as const,
      body: dealView(await deps.deals.cancel(params.dealId, body), Date.now()),
    }),
    options,
  );
  return router;
}
