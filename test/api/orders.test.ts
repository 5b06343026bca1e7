/** Submitting orders: pricing, idempotency, validation and the saga it starts. */
import { orderWorkflowId } from '../../workflows/messages';
import { availableStock, uniqueSku } from '../support/catalog';
import { idempotencyKey, orderBody, startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { problemJson, productWithStock, sagaOf } from './orders-support';

jest.setTimeout(120_000);

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.stop();
});

describe('POST /v1/orders', () => {
  it('prices the lines from the catalog, starts the saga and answers 202 with the order and its links', async () => {
    const sku = await productWithStock(api, 10, 1_250);
    const body = orderBody([{ sku, quantity: 2 }]);
    const res = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send(body);

    expect(res.status).toBe(202);
    const orderId = (res.body as { orderId: string }).orderId;
    expect(orderId).toMatch(/^ord-[0-9a-f]{24}$/);
    expect(res.headers.location).toBe(`/v1/orders/${orderId}`);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.body).toEqual({
      orderId,
      status: 'received',
      customerId: body.customerId,
      currency: 'EUR',
      totalMinor: 2_500,
      lines: [
        { sku, quantity: 2, name: `Test product ${sku}`, unitPriceMinor: 1_250, lineTotalMinor: 2_500 },
      ],
      placedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      links: {
        self: `/v1/orders/${orderId}`,
        cancel: `/v1/orders/${orderId}/cancel`,
        review: `/v1/orders/${orderId}/review`,
      },
    });

    const handle = await sagaOf(api, orderId);
    expect(await handle.result()).toMatchObject({ orderId, status: 'confirmed' });
    const description = await handle.describe();
    expect(description.taskQueue).toBe(api.config.temporal.orderTaskQueue);
    expect(description.memo).toEqual({ submittedBy: 'shop' });
    expect(await availableStock(api.saga.pool, sku)).toBe(8);
  });

  it('ignores prices a client sends: only the catalog prices an order', async () => {
    const sku = await productWithStock(api, 5, 4_000);
    const body = { ...orderBody([{ sku, quantity: 1 }]), lines: [{ sku, quantity: 1, unitPriceMinor: 1 }] };
    const res = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send(body);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ totalMinor: 4_000, lines: [{ unitPriceMinor: 4_000 }] });
  });

  it('maps a retried submission (same key, same body) to the same order and starts nothing new', async () => {
    const sku = await productWithStock(api, 10);
    const body = orderBody([{ sku, quantity: 1 }]);
    const key = idempotencyKey();
    const first = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', key)
      .send(body);
    // The same body with its keys in another order is the same request.
    const reordered = {
      contact: body.contact,
      shippingAddress: body.shippingAddress,
      lines: body.lines,
      customerId: body.customerId,
    };
    const again = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', key)
      .send(reordered);

    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const { status: _s1, ...firstOrder } = first.body as Record<string, unknown>;
    const { status: _s2, ...againOrder } = again.body as Record<string, unknown>;
    expect(againOrder).toEqual(firstOrder);
  });

  it('answers 20 concurrent copies of one submission with one order and one workflow', async () => {
    const sku = await productWithStock(api, 100);
    const body = orderBody([{ sku, quantity: 1 }]);
    const key = idempotencyKey();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        api
          .http()
          .post('/v1/orders')
          .set('X-API-Key', testKeys.storefront)
          .set('Idempotency-Key', key)
          .send(body),
      ),
    );

    expect(responses.map((r) => r.status).sort()).toEqual([...Array<number>(19).fill(200), 202]);
    const orderIds = new Set(responses.map((r) => (r.body as { orderId: string }).orderId));
    expect(orderIds.size).toBe(1);
    const [orderId] = [...orderIds] as [string];
    await (await sagaOf(api, orderId)).result();
    // Exactly one run under that workflow id (visibility catches up within a moment).
    const query = `WorkflowId = '${orderWorkflowId(orderId)}'`;
    const deadline = Date.now() + 20_000;
    while ((await api.saga.client.workflow.count(query)).count === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await api.saga.client.workflow.count(query)).count).toBe(1);
    expect(await availableStock(api.saga.pool, sku)).toBe(99);
    const { rows } = await api.saga.pool.query(
      'SELECT count(*)::int AS n FROM idempotency_keys WHERE order_id = $1',
      [orderId],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('refuses the same Idempotency-Key with a different body (409) and keeps the first order', async () => {
    const sku = await productWithStock(api, 10);
    const key = idempotencyKey();
    const first = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', key)
      .send(orderBody([{ sku, quantity: 1 }]));
    const orderId = (first.body as { orderId: string }).orderId;
    const conflict = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', key)
      .send(orderBody([{ sku, quantity: 2 }]));

    expect(conflict.status).toBe(409);
    expect(conflict.headers['content-type']).toMatch(problemJson);
    expect(conflict.body).toEqual({
      type: 'urn:fusioncommerce:problem:idempotency-key-reused',
      title: 'Idempotency-Key reused with a different body',
      status: 409,
      detail: `Idempotency-Key ${key} was already used for order ${orderId} with a different body; use a new key for a new order`,
      code: 'idempotency_key_reused',
      instance: '/v1/orders',
      orderId,
    });
  });

  it('gives the same Idempotency-Key of two API keys two different orders', async () => {
    const sku = await productWithStock(api, 10);
    const key = idempotencyKey();
    const body = orderBody([{ sku, quantity: 1 }]);
    const a = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', key)
      .send(body);
    const b = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.otherStorefront)
      .set('Idempotency-Key', key)
      .send(body);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect((a.body as { orderId: string }).orderId).not.toBe((b.body as { orderId: string }).orderId);
  });

  it('tells with ?wait=reservation, synchronously, that the stock was short', async () => {
    const sku = await productWithStock(api, 1);
    const res = await api
      .http()
      .post('/v1/orders?wait=reservation')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send(orderBody([{ sku, quantity: 3 }]));

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      reservation: { outcome: 'insufficient_stock', shortages: [{ sku, requested: 3, available: 1 }] },
    });
    expect(await availableStock(api.saga.pool, sku)).toBe(1);
    const orderId = (res.body as { orderId: string }).orderId;
    await expect((await sagaOf(api, orderId)).result()).resolves.toMatchObject({
      status: 'rejected',
      reason: `insufficient stock for ${sku}`,
    });
  });

  it('tells with ?wait=reservation that the stock is reserved, and the same on a replay after the order ended', async () => {
    const sku = await productWithStock(api, 4);
    const key = idempotencyKey();
    const body = orderBody([{ sku, quantity: 2 }]);
    const res = await api
      .http()
      .post('/v1/orders?wait=reservation')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', key)
      .send(body);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ reservation: { outcome: 'reserved' } });
    expect(await availableStock(api.saga.pool, sku)).toBe(2);

    const orderId = (res.body as { orderId: string }).orderId;
    await (await sagaOf(api, orderId)).result();
    const replay = await api
      .http()
      .post('/v1/orders?wait=reservation')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', key)
      .send(body);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ orderId, status: 'confirmed', reservation: { outcome: 'reserved' } });
    expect(await availableStock(api.saga.pool, sku)).toBe(2);
  });

  it('refuses unknown SKUs with 422 naming them, and starts nothing', async () => {
    const known = await productWithStock(api, 5);
    const res = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send(
        orderBody([
          { sku: 'NO-SUCH-SKU-2', quantity: 1 },
          { sku: known, quantity: 1 },
          { sku: 'NO-SUCH-SKU-1', quantity: 1 },
        ]),
      );

    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:unknown-sku',
      title: 'Unknown SKU',
      status: 422,
      detail: 'unknown SKUs: NO-SUCH-SKU-1, NO-SUCH-SKU-2',
      code: 'unknown_sku',
      instance: '/v1/orders',
      skus: ['NO-SUCH-SKU-1', 'NO-SUCH-SKU-2'],
    });
  });

  it('refuses an order whose products are priced in two currencies (422)', async () => {
    const eur = await productWithStock(api, 5);
    const usd = uniqueSku('API');
    await api.saga.pool.query(
      `INSERT INTO products (sku, name, price_minor, currency) VALUES ($1, 'Dollar item', 100, 'USD')`,
      [usd],
    );
    const res = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send(
        orderBody([
          { sku: eur, quantity: 1 },
          { sku: usd, quantity: 1 },
        ]),
      );
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'mixed_currencies', currencies: ['EUR', 'USD'] });
  });

  it('requires an Idempotency-Key (400 naming the header)', async () => {
    const sku = await productWithStock(api, 5);
    const res = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .send(orderBody([{ sku, quantity: 1 }]));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:validation-failed',
      title: 'The request is invalid',
      status: 400,
      detail: 'the request is invalid: headers.idempotency-key: the Idempotency-Key header is required',
      code: 'validation_failed',
      instance: '/v1/orders',
      issues: [{ path: 'headers.idempotency-key', message: 'the Idempotency-Key header is required' }],
    });
  });
});
