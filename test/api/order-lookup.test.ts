/** Reading one order and listing orders by customer and status. */
import { idempotencyKey, orderBody, startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { productWithStock, sagaOf } from './orders-support';

jest.setTimeout(120_000);

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.stop();
});

describe('GET /v1/orders/:orderId', () => {
  it("returns the saga's state and timeline, also after the order ended", async () => {
    const sku = await productWithStock(api, 3);
    const body = orderBody([{ sku, quantity: 1 }]);
    const created = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send(body);
    const orderId = (created.body as { orderId: string }).orderId;
    await (await sagaOf(api, orderId)).result();

    const res = await api.http().get(`/v1/orders/${orderId}`).set('X-API-Key', testKeys.storefront);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderId,
      status: 'confirmed',
      order: { orderId, customerId: body.customerId, totalMinor: 1_000 },
      reservation: { status: 'committed' },
      links: { self: `/v1/orders/${orderId}` },
    });
    expect((res.body as { timeline: { status: string }[] }).timeline.map((t) => t.status)).toEqual([
      'received',
      'reserving',
      'assessing_fraud',
      'confirming',
      'confirmed',
    ]);
  });

  it('answers 404 for an order that does not exist', async () => {
    const res = await api
      .http()
      .get('/v1/orders/ord-000000000000000000000000')
      .set('X-API-Key', testKeys.storefront);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:order-not-found',
      title: 'Order not found',
      status: 404,
      detail: 'order ord-000000000000000000000000 does not exist',
      code: 'order_not_found',
      instance: '/v1/orders/ord-000000000000000000000000',
      orderId: 'ord-000000000000000000000000',
    });
  });

  it('answers 400 for a malformed order id', async () => {
    const res = await api.http().get('/v1/orders/!!').set('X-API-Key', testKeys.storefront);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'params.orderId', message: 'order id must be 3-64 letters, digits, "_" or "-"' }],
    });
  });
});

describe('GET /v1/orders', () => {
  it('lists a customer’s orders by status through Temporal visibility, page by page', async () => {
    const sku = await productWithStock(api, 10);
    const customerId = `list-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api
        .http()
        .post('/v1/orders')
        .set('X-API-Key', testKeys.storefront)
        .set('Idempotency-Key', idempotencyKey())
        .send(orderBody([{ sku, quantity: 1 }], customerId));
      ids.push((res.body as { orderId: string }).orderId);
    }
    await Promise.all(ids.map(async (id) => (await sagaOf(api, id)).result()));

    // Visibility is eventually consistent: poll until all three show as confirmed.
    const deadline = Date.now() + 30_000;
    let listed: { orders: { orderId: string }[] } = { orders: [] };
    while (listed.orders.length < 3 && Date.now() < deadline) {
      const res = await api
        .http()
        .get(`/v1/orders?customerId=${customerId}&status=confirmed&pageSize=50`)
        .set('X-API-Key', testKeys.storefront);
      expect(res.status).toBe(200);
      listed = res.body as typeof listed;
      if (listed.orders.length < 3) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(listed.orders.map((o) => o.orderId).sort()).toEqual([...ids].sort());
    expect(listed.orders[0]).toEqual({
      orderId: expect.any(String) as string,
      status: 'confirmed',
      customerId,
      totalMinor: 1_000,
      startedAt: expect.any(String) as string,
      closedAt: expect.any(String) as string,
      links: { self: `/v1/orders/${listed.orders[0]?.orderId}` },
    });

    const page1 = await api
      .http()
      .get(`/v1/orders?customerId=${customerId}&pageSize=2`)
      .set('X-API-Key', testKeys.storefront);
    const token = (page1.body as { nextPageToken?: string }).nextPageToken;
    expect((page1.body as { orders: unknown[] }).orders).toHaveLength(2);
    expect(token).toEqual(expect.any(String));
    const page2 = await api
      .http()
      .get(`/v1/orders?customerId=${customerId}&pageSize=2&pageToken=${token}`)
      .set('X-API-Key', testKeys.storefront);
    expect(page2.status).toBe(200);
    const all = [
      ...(page1.body as { orders: { orderId: string }[] }).orders,
      ...(page2.body as { orders: { orderId: string }[] }).orders,
    ];
    expect(all.map((o) => o.orderId).sort()).toEqual([...ids].sort());
  });

  it('refuses an unknown status filter with the allowed values', async () => {
    const res = await api.http().get('/v1/orders?status=shipped').set('X-API-Key', testKeys.storefront);
    expect(res.status).toBe(400);
    expect((res.body as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['query.status']);
  });

  it('refuses a page token it did not issue at once, without asking Temporal (which takes seconds over it)', async () => {
    const startedAt = Date.now();
    const res = await api.http().get('/v1/orders?pageToken=AAAA').set('X-API-Key', testKeys.storefront);
    expect(res.status).toBe(400);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect((res.body as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'query.pageToken',
    ]);
  });
});
