/** `POST /v1/orders` with a payment method: the order is charged through the saga and shows its payment. */
import { seedProduct, uniqueSku } from '../support/catalog';
import { idempotencyKey, orderBody, startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { sagaOf } from './orders-support';

jest.setTimeout(120_000);

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.stop();
});

describe('orders paid by card through the API', () => {
  it('charges the total and shows the captured payment on the order', async () => {
    const sku = uniqueSku('APIPAY');
    await seedProduct(api.saga.pool, sku, 2_000, 3);
    const created = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send({ ...orderBody([{ sku, quantity: 2 }]), payment: { method: 'pm_card_visa' } });
    expect(created.status).toBe(202);
    const { orderId } = created.body as { orderId: string };
    await (await sagaOf(api, orderId)).result();

    const res = await api.http().get(`/v1/orders/${orderId}`).set('X-API-Key', testKeys.storefront);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'confirmed',
      order: { payment: { method: 'pm_card_visa' } },
      payment: { status: 'captured', amountMinor: 4_000, currency: 'EUR' },
    });
  });

  it('refuses card details or anything but a provider id or token, naming the field', async () => {
    const res = await api
      .http()
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', idempotencyKey())
      .send({ ...orderBody([{ sku: 'ANY', quantity: 1 }]), payment: { method: '4242424242424242' } });
    expect(res.status).toBe(400);
    expect((res.body as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'body.payment.method',
    ]);
  });
});
