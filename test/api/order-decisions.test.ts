/** Cancelling orders and deciding fraud reviews over HTTP. */
import { availableStock } from '../support/catalog';
import { idempotencyKey, orderBody, startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { productWithStock, waitForStatus, sagaOf } from './orders-support';

jest.setTimeout(120_000);

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.stop();
});

describe('POST /v1/orders/:orderId/cancel and /review', () => {
  async function heldOrder(key: string = testKeys.storefront): Promise<{ orderId: string; sku: string }> {
    // A first order of at least 500.00 EUR is held for review (high amount + first order).
    const sku = await productWithStock(api, 5, 60_000);
    const res = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', key)
      .set('Idempotency-Key', idempotencyKey())
      .send(orderBody([{ sku, quantity: 1 }]));
    const orderId = (res.body as { orderId: string }).orderId;
    await waitForStatus(api, orderId, ['awaiting_review']);
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
    const sku = await productWithStock(api, 3);
    const created = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send(orderBody([{ sku, quantity: 1 }]));
    const orderId = (created.body as { orderId: string }).orderId;
    await (await sagaOf(api, orderId)).result();

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
    // The second one either reaches the saga while the first is applied (its validator refuses it) or
    // just as the cancelled saga closes (Temporal aborts it): both are a 409 that says why, never a 404.
    const common = { status: 409, instance: `/v1/orders/${orderId}/cancel`, orderId };
    expect([
      {
        ...common,
        type: 'urn:fusioncommerce:problem:order-update-refused',
        title: 'The order refused the request',
        detail: `order ${orderId} is already being cancelled`,
        code: 'order_update_refused',
        orderStatus: expect.any(String) as string,
      },
      {
        ...common,
        type: 'urn:fusioncommerce:problem:order-closed',
        title: 'The order has already ended',
        detail: `order ${orderId} has already ended as cancelled and can no longer change`,
        code: 'order_closed',
        orderStatus: 'cancelled',
      },
    ]).toContainEqual(refused?.body);
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
