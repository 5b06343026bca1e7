/** `/v1/products` and `/v1/inventory`: catalog and stock administration. */
import express from 'express';
import type { Router } from 'express';
import { apiRoutes } from '../../contracts/http-api';
import { Sku } from '../../contracts/order';
import type { CatalogStore, CreateProductOptions } from './catalog-store';
import { ValidationError } from '../http/errors';
import type { MountOptions } from '../http/route';
import { mount } from '../http/route';

export interface CatalogRouteDependencies {
  catalog: CatalogStore;
  /** Runs inside each create's transaction, after its product, stock and outbox event (a test seam). */
  beforeProductCommit?: CreateProductOptions['beforeCommit'];
}

function afterSku(pageToken: string | undefined): string | undefined {
  if (pageToken === undefined) return undefined;
  const sku = Buffer.from(pageToken, 'base64url').toString('utf8');
  if (!Sku.safeParse(sku).success) {
    throw new ValidationError([
      { path: 'query.pageToken', message: 'pageToken is not a token of this listing' },
    ]);
  }
  return sku;
}

export function catalogRoutes(deps: CatalogRouteDependencies, options: MountOptions): Router {
  const router = express.Router();

  mount(
    router,
    apiRoutes.createProduct,
    async ({ body }) => {
      const { product, created } = await deps.catalog.createProduct(body, {
        beforeCommit: deps.beforeProductCommit,
      });
      const headers = { Location: `/v1/inventory/${product.sku}` };
      return created
        ? { status: 201 as const, body: product, headers }
        : { status: 200 as const, body: product, headers };
    },
    options,
  );

  mount(
    router,
    apiRoutes.listProducts,
    async ({ query }) => ({
      status: 200 as const,
      body: await deps.catalog.listProducts(query.pageSize, afterSku(query.pageToken)),
    }),
    options,
  );

  mount(
    router,
    apiRoutes.setInventory,
    async ({ params, body }) => ({
      status: 200 as const,
      body: await deps.catalog.setAvailable(params.sku, body.available),
    }),
    options,
  );

  mount(
    router,
    apiRoutes.getInventory,
    async ({ params }) => ({ status: 200 as const, body: await deps.catalog.inventory(params.sku) }),
    options,
  );

  return router;
}
