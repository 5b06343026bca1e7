/** The catalog routes of the route table (`contracts/http-api.ts`): products and their stock. */
import {
  InventoryLevel,
  InventoryUpdate,
  Product,
  ProductInput,
  ProductList,
  ProductListQuery,
  SkuParams,
} from './http-catalog';
import { anyone, operators } from './http-route';
import type { HttpRoute } from './http-route';

export const catalogRoutes = {
  createProduct: {
    method: 'post',
    path: '/v1/products',
    summary: 'Add a product to the catalog (emits product.created)',
    description: 'Posting the same product again answers 200 and republishes the event with the same id.',
    tag: 'catalog',
    roles: operators,
    body: ProductInput,
    responses: { 200: Product, 201: Product },
    problems: [
      'validation_failed',
      'malformed_json',
      'unauthenticated',
      'forbidden',
      'product_exists',
      'payload_too_large',
      'unsupported_media_type',
    ],
  },
  listProducts: {
    method: 'get',
    path: '/v1/products',
    summary: 'List the catalog, by SKU',
    tag: 'catalog',
    roles: anyone,
    query: ProductListQuery,
    responses: { 200: ProductList },
    problems: ['validation_failed', 'unauthenticated', 'forbidden'],
  },
  setInventory: {
    method: 'put',
    path: '/v1/inventory/{sku}',
    summary: 'Set the units of a SKU available for sale',
    tag: 'catalog',
    roles: operators,
    params: SkuParams,
    body: InventoryUpdate,
    responses: { 200: InventoryLevel },
    problems: [
      'validation_failed',
      'malformed_json',
      'unauthenticated',
      'forbidden',
      'product_not_found',
      'payload_too_large',
      'unsupported_media_type',
    ],
  },
  getInventory: {
    method: 'get',
    path: '/v1/inventory/{sku}',
    summary: 'Read the stock of a SKU',
    tag: 'catalog',
    roles: anyone,
    params: SkuParams,
    responses: { 200: InventoryLevel },
    problems: ['validation_failed', 'unauthenticated', 'forbidden', 'product_not_found'],
  },
} as const satisfies Record<string, HttpRoute>;
