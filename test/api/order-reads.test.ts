/**
 * Reading an order never waits on an order worker: when no worker answers the saga's status query in
 * time, the API answers from the order's event log (Temporal's history + the outbox in PostgreSQL).
 */
import { seedProduct, uniqueSku } from '../support/catalog';
import { idempotencyKey, orderBody, startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { sagaOf } from './orders-support';

jest.setTimeout(120_000);

const QUERY_TIMEOUT_MS = 1_000;
let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness((c) => ({ ...c, api: { ...c.api, orderQueryTimeoutMs: QUERY_TIMEOUT_MS } }));
});
afterAll(async () => {
  await api?.stop();
});

async function submit(sku: string, quantity: number, payment?: { method: string }): Promise<string> {
  const res = await api
    .http()
    .post('/v1/orders')
    .set('X-API-Key', testKeys.storefront)
    .set('Idempotency-Key', idempotencyKey())
    .send({ ...orderBody([{ sku, quantity }]), ...(payment ? { payment } : {}) });
  expect(res.status).toBe(202);
  return (res.body as { orderId: string }).orderId;
}

async function read(orderId: string) {
  const startedAt = Date.now();
  const res = await api.http().get(`/v1/orders/${orderId}`).set('X-API-Key', testKeys.operator);
  return { res, ms: Date.now() - startedAt, body: res.body as Record<string, unknown> };
}

/** What the event log can tell, compared between the two sources. */
function comparable(body: Record<string, unknown>) {
  const { status, reason, order, reservation, shortages, fraud, notification, eventsPublished, links } = body;
  const timeline = (body.timeline as { status: string }[]).map((entry) => entry.status);
  return {
    status,
    reason,
    order,
    reservation,
    shortages,
    fraud,
    notification,
    eventsPublished,
    links,
    timeline,
  };
}

describe('GET /v1/orders/:orderId without an order worker', () => {
  const ended: { orderId: string; live: Record<string, unknown> }[] = [];

  it("answers from the saga's status query while a worker runs", async () => {
    const sku = uniqueSku('READ');
    await seedProduct(api.saga.pool, sku, 1_000, 2);
    const confirmed = await submit(sku, 1);
    const short = await submit(sku, 5);
    const paid = await submit(sku, 1, { method: 'pm_card_visa' });
    for (const orderId of [confirmed, short, paid]) {
      await (await sagaOf(api, orderId)).result();
      // The notification's event is written once the saga ended; the view below must see the same count.
      const { res, body } = await read(orderId);
      expect(res.status).toBe(200);
      expect(res.headers['order-view']).toBe('saga');
      ended.push({ orderId, live: body });
    }
    expect(ended.map((e) => e.live.status)).toEqual(['confirmed', 'rejected', 'confirmed']);
    expect(ended[2]?.live.payment).toMatchObject({ status: 'captured' });
  });

  it('answers from the event log, fast and with the same facts, once no worker answers', async () => {
    await api.saga.stopWorkers();
    for (const { orderId, live } of ended) {
      const { res, ms, body } = await read(orderId);
      expect(res.status).toBe(200);
      expect(res.headers['order-view']).toBe('event-log');
      expect(ms).toBeLessThan(QUERY_TIMEOUT_MS + 2_000);
      expect(comparable(body)).toEqual(comparable(live));
    }
  });

  it('shows an order no worker has started on yet as received', async () => {
    const sku = uniqueSku('READ');
    await seedProduct(api.saga.pool, sku, 1_000, 2);
    const orderId = await submit(sku, 1);
    const { res, ms, body } = await read(orderId);
    expect(res.status).toBe(200);
    expect(res.headers['order-view']).toBe('event-log');
    expect(ms).toBeLessThan(QUERY_TIMEOUT_MS + 2_000);
    expect(body).toMatchObject({ orderId, status: 'received', eventsPublished: 0, compensations: [] });
    expect((body.timeline as { status: string }[]).map((entry) => entry.status)).toEqual(['received']);
  });

  it('still answers 404 for an order that does not exist', async () => {
    const { res } = await read('ord-000000000000000000000000');
    expect(res.status).toBe(404);
  });
});
