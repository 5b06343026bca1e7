import { orderWorkflowId } from '../../workflows/messages';
import { availableStock, seedProduct, uniqueSku } from '../support/catalog';
import { idempotencyKey, orderBody, startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';

jest.setTimeout(120_000);

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.stop();
});

async function productWithStock(available: number, priceMinor = 1_000): Promise<string> {
  const sku = uniqueSku('API');
  await seedProduct(api.saga.pool, sku, priceMinor, available);
  return sku;
}

const problemJson = /^application\/problem\+json/;

/** Polls (no fixed sleep) until the saga reports one of the statuses. */
async function waitForStatus(orderId: string, statuses: string[], key: string = testKeys.operator) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await api.http().get(`/v1/orders/${orderId}`).set('X-API-Key', key);
    if (res.status === 200 && statuses.includes((res.body as { status: string }).status))
      return res.body as Record<string, unknown>;
    if (Date.now() > deadline)
      throw new Error(`order ${orderId} did not reach ${statuses.join('/')}: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('POST /v1/orders', () => {
  it('prices the lines from the catalog, starts the saga and answers 202 with the order and its links', async () => {
    const sku = await productWithStock(10, 1_250);
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

    const handle = api.saga.client.workflow.getHandle(orderWorkflowId(orderId));
    expect(await handle.result()).toMatchObject({ orderId, status: 'confirmed' });
    const description = await handle.describe();
    expect(description.taskQueue).toBe(api.config.temporal.orderTaskQueue);
    expect(description.memo).toEqual({ submittedBy: 'shop' });
    expect(await availableStock(api.saga.pool, sku)).toBe(8);
  });

  it('ignores prices a client sends: only the catalog prices an order', async () => {
    const sku = await productWithStock(5, 4_000);
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
    const sku = await productWithStock(10);
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
    const sku = await productWithStock(100);
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
    await api.saga.client.workflow.getHandle(orderWorkflowId(orderId)).result();
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
    const sku = await productWithStock(10);
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
    const sku = await productWithStock(10);
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
    const sku = await productWithStock(1);
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
    await expect(
      api.saga.client.workflow.getHandle(orderWorkflowId(orderId)).result(),
    ).resolves.toMatchObject({
      status: 'rejected',
      reason: `insufficient stock for ${sku}`,
    });
  });

  it('tells with ?wait=reservation that the stock is reserved, and the same on a replay after the order ended', async () => {
    const sku = await productWithStock(4);
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
    await api.saga.client.workflow.getHandle(orderWorkflowId(orderId)).result();
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
    const known = await productWithStock(5);
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
    const eur = await productWithStock(5);
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
    const sku = await productWithStock(5);
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

describe('GET /v1/orders/:orderId', () => {
  it("returns the saga's state and timeline, also after the order ended", async () => {
    const sku = await productWithStock(3);
    const body = orderBody([{ sku, quantity: 1 }]);
    const created = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send(body);
    const orderId = (created.body as { orderId: string }).orderId;
    await api.saga.client.workflow.getHandle(orderWorkflowId(orderId)).result();

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
    const sku = await productWithStock(10);
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
    await Promise.all(ids.map((id) => api.saga.client.workflow.getHandle(orderWorkflowId(id)).result()));

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

describe('POST /v1/orders/:orderId/cancel and /review', () => {
  async function heldOrder(key: string = testKeys.storefront): Promise<{ orderId: string; sku: string }> {
    // A first order of at least 500.00 EUR is held for review (high amount + first order).
    const sku = await productWithStock(5, 60_000);
    const res = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', key)
      .set('Idempotency-Key', idempotencyKey())
      .send(orderBody([{ sku, quantity: 1 }]));
    const orderId = (res.body as { orderId: string }).orderId;
    await waitForStatus(orderId, ['awaiting_review']);
    return { orderId, sku };
  }

  it('lets a storefront cancel its own order: compensation runs and the answer is the final state', async () => {
    const { orderId, sku } = await heldOrder();
    const res = await api
      .http()
      .post(`/v1/orders/${orderId}/cancel`)
      .set('X-API-Key', testKeys.storefront)
      .send({ reason: 'customer changed their mind' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderId,
      status: 'cancelled',
      reason: 'customer changed their mind',
      cancellation: { reason: 'customer changed their mind', requestedBy: 'shop' },
      compensations: [{ step: 'release inventory', outcome: 'done' }],
    });
    expect(await availableStock(api.saga.pool, sku)).toBe(5);
  });

  it("forbids a storefront to cancel another storefront's order (403), and lets an operator do it", async () => {
    const { orderId } = await heldOrder(testKeys.otherStorefront);
    const denied = await api
      .http()
      .post(`/v1/orders/${orderId}/cancel`)
      .set('X-API-Key', testKeys.storefront)
      .send({ reason: 'not mine' });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({
      type: 'urn:fusioncommerce:problem:forbidden',
      title: 'The API key may not do this',
      status: 403,
      detail: `API key shop may cancel only the orders it submitted; cancelling order ${orderId} needs the role operator`,
      code: 'forbidden',
      instance: `/v1/orders/${orderId}/cancel`,
      requiredRoles: ['operator'],
    });

    const allowed = await api
      .http()
      .post(`/v1/orders/${orderId}/cancel`)
      .set('X-API-Key', testKeys.operator)
      .send({ reason: 'duplicate order', requestedBy: 'ops@example.com' });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({
      status: 'cancelled',
      cancellation: { requestedBy: 'ops@example.com' },
    });
  });

  it('answers 409 with the final status when the order has already ended', async () => {
    const sku = await productWithStock(3);
    const created = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send(orderBody([{ sku, quantity: 1 }]));
    const orderId = (created.body as { orderId: string }).orderId;
    await api.saga.client.workflow.getHandle(orderWorkflowId(orderId)).result();

    const res = await api
      .http()
      .post(`/v1/orders/${orderId}/cancel`)
      .set('X-API-Key', testKeys.storefront)
      .send({ reason: 'too late' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:order-closed',
      title: 'The order has already ended',
      status: 409,
      detail: `order ${orderId} has already ended as confirmed and can no longer change`,
      code: 'order_closed',
      instance: `/v1/orders/${orderId}/cancel`,
      orderId,
      orderStatus: 'confirmed',
    });
  });

  it('lets only an operator decide a review; approval confirms the order', async () => {
    const { orderId } = await heldOrder();
    const decision = { decision: 'approve', reviewer: 'ops@example.com', note: 'known customer' };
    const denied = await api
      .http()
      .post(`/v1/orders/${orderId}/review`)
      .set('X-API-Key', testKeys.storefront)
      .send(decision);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      code: 'forbidden',
      requiredRoles: ['operator'],
      detail: 'API key shop may not do this; it needs the role operator',
    });

    const res = await api
      .http()
      .post(`/v1/orders/${orderId}/review`)
      .set('X-API-Key', testKeys.operator)
      .send(decision);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orderId, status: 'confirmed', review: decision });
  });

  it("turns the saga's refusal into 409 with its reason (a second cancellation while the first runs)", async () => {
    const { orderId } = await heldOrder();
    const [a, b] = await Promise.all(
      ['first', 'second'].map((reason) =>
        api.http().post(`/v1/orders/${orderId}/cancel`).set('X-API-Key', testKeys.operator).send({ reason }),
      ),
    );
    expect([a?.status, b?.status].sort()).toEqual([200, 409]);
    const refused = a?.status === 409 ? a : b;
    expect(refused?.body).toEqual({
      type: 'urn:fusioncommerce:problem:order-update-refused',
      title: 'The order refused the request',
      status: 409,
      detail: `order ${orderId} is already being cancelled`,
      code: 'order_update_refused',
      instance: `/v1/orders/${orderId}/cancel`,
      orderId,
      orderStatus: expect.any(String) as string,
    });
  });

  it('applies a decision sent twice with one Idempotency-Key once: both answers carry the same outcome', async () => {
    const { orderId } = await heldOrder();
    const key = idempotencyKey();
    const decision = { decision: 'reject', reviewer: 'ops@example.com', note: 'card testing pattern' };
    const answers = await Promise.all(
      [1, 2].map(() =>
        api
          .http()
          .post(`/v1/orders/${orderId}/review`)
          .set('X-API-Key', testKeys.operator)
          .set('Idempotency-Key', key)
          .send(decision),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(answers.map((r) => (r.body as { status: string }).status)).toEqual(['rejected', 'rejected']);
    const events = await api.saga.events.waitForType(orderId, 'order.rejected');
    expect(events.filter((e) => e.type === 'order.review_decided')).toHaveLength(1);
  });
});
