import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import request from 'supertest';
import { ProductCreated } from '../../contracts/events';
import { testKeys } from '../support/api-harness';
import { uniqueSku } from '../support/catalog';
import type { TopicCollector } from '../support/topic-collector';
import { startCatalogHarness } from '../support/catalog-harness';
import type { CatalogHarness } from '../support/catalog-harness';

jest.setTimeout(60_000);

let harness: CatalogHarness;
let pool: Pool;
let app: CatalogHarness['app'];
let catalogEvents: TopicCollector;
let admin: Admin;

beforeAll(async () => {
  harness = await startCatalogHarness('test-catalog');
  ({ pool, app, catalogEvents } = harness);
  admin = harness.kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
  await harness?.stop();
});

const asOperator = (req: request.Test) => req.set('X-API-Key', testKeys.operator);

describe('catalog and stock administration', () => {
  it('creates a product with its stock, answers 201 and emits product.created keyed by SKU', async () => {
    const sku = uniqueSku('CAT');
    const res = await asOperator(request(app).post('/v1/products')).send({
      sku,
      name: 'Stoneware bowl',
      priceMinor: 1_890,
      currency: 'EUR',
      available: 12,
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/inventory/${sku}`);
    expect(res.body).toEqual({
      sku,
      name: 'Stoneware bowl',
      priceMinor: 1_890,
      currency: 'EUR',
      available: 12,
      createdAt: expect.any(String) as string,
    });

    const message = await catalogEvents.waitFor((m) => m.key === sku, `product.created for ${sku}`);
    const event = ProductCreated.parse(JSON.parse(message.value));
    expect(event).toEqual({
      specversion: '1.0',
      id: `product-${sku}:created`,
      source: '/fusioncommerce/catalog',
      type: 'product.created',
      subject: sku,
      time: (res.body as { createdAt: string }).createdAt,
      datacontenttype: 'application/json',
      data: { sku, name: 'Stoneware bowl', priceMinor: 1_890, currency: 'EUR' },
    });
    expect(message.headers).toMatchObject({ ce_type: 'product.created', ce_id: event.id });
  });

  it('answers the same product posted again with 200, and a different one under its SKU with 409', async () => {
    const sku = uniqueSku('CAT');
    const product = { sku, name: 'Linen apron', priceMinor: 2_400, currency: 'EUR' };
    expect((await asOperator(request(app).post('/v1/products')).send(product)).status).toBe(201);
    const again = await asOperator(request(app).post('/v1/products')).send(product);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ ...product, available: 0 });

    const conflict = await asOperator(request(app).post('/v1/products')).send({ ...product, priceMinor: 1 });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({
      type: 'urn:fusioncommerce:problem:product-exists',
      title: 'The product already exists',
      status: 409,
      detail: `product ${sku} already exists with different data`,
      code: 'product_exists',
      instance: '/v1/products',
      sku,
    });
  });

  it('lets only operators create products (403 for a storefront key)', async () => {
    const res = await request(app)
      .post('/v1/products')
      .set('X-API-Key', testKeys.storefront)
      .send({ sku: uniqueSku('CAT'), name: 'x', priceMinor: 1, currency: 'EUR' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden', requiredRoles: ['operator'] });
  });

  it('lists products by SKU, page by page, for any key', async () => {
    const prefix = `PAGE-${Date.now()}`;
    const skus = [`${prefix}-A`, `${prefix}-B`, `${prefix}-C`];
    for (const sku of skus) {
      await asOperator(request(app).post('/v1/products')).send({
        sku,
        name: sku,
        priceMinor: 100,
        currency: 'EUR',
      });
    }
    // Walk the whole catalog with a small page size and find the three in SKU order.
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await request(app)
        .get(`/v1/products?pageSize=200${token ? `&pageToken=${token}` : ''}`)
        .set('X-API-Key', testKeys.storefront);
      expect(res.status).toBe(200);
      const page = res.body as { products: { sku: string }[]; nextPageToken?: string };
      seen.push(...page.products.map((p) => p.sku));
      token = page.nextPageToken;
    } while (token);
    expect(seen.filter((s) => s.startsWith(prefix))).toEqual(skus);

    const first = await request(app).get('/v1/products?pageSize=1').set('X-API-Key', testKeys.storefront);
    expect((first.body as { products: unknown[] }).products).toHaveLength(1);
    expect(first.body).toHaveProperty('nextPageToken');
  });

  it('sets and reads the units available for a SKU, with what open reservations hold', async () => {
    const sku = uniqueSku('INV');
    await asOperator(request(app).post('/v1/products')).send({
      sku,
      name: 'Mug',
      priceMinor: 900,
      currency: 'EUR',
      available: 2,
    });
    const set = await asOperator(request(app).put(`/v1/inventory/${sku}`)).send({ available: 40 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ sku, available: 40, reserved: 0, updatedAt: expect.any(String) as string });

    await pool.query(`INSERT INTO reservations (order_id, status) VALUES ($1, 'reserved')`, [`inv-${sku}`]);
    await pool.query('INSERT INTO reservation_lines (order_id, sku, quantity) VALUES ($1, $2, 3)', [
      `inv-${sku}`,
      sku,
    ]);
    const read = await request(app).get(`/v1/inventory/${sku}`).set('X-API-Key', testKeys.storefront);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ sku, available: 40, reserved: 3 });
  });

  it('refuses negative stock (400) and an unknown SKU (404)', async () => {
    const negative = await asOperator(request(app).put('/v1/inventory/ANY-SKU')).send({ available: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body).toMatchObject({
      issues: [{ path: 'body.available', message: 'Too small: expected number to be >=0' }],
    });
    const unknown = await asOperator(request(app).put('/v1/inventory/NO-SUCH-SKU')).send({ available: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      type: 'urn:fusioncommerce:problem:product-not-found',
      title: 'Product not found',
      status: 404,
      detail: 'product NO-SUCH-SKU does not exist',
      code: 'product_not_found',
      instance: '/v1/inventory/NO-SUCH-SKU',
      sku: 'NO-SUCH-SKU',
    });
  });
});
