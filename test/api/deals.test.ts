/** `/v1/deals` against the real stack: open with the leader's join, join, refusals, formation, errors. */
import { randomUUID } from 'node:crypto';
import { availableStock, seedProduct, uniqueSku } from '../support/catalog';
import { startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';

jest.setTimeout(120_000);

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.stop();
});

const member = (customerId: string) => ({
  customerId,
  shippingAddress: { name: 'Ada', line1: '1 Row', city: 'London', postalCode: 'N1', country: 'GB' },
  contact: { email: `${customerId}@example.com` },
  payment: { method: 'pm_card_visa' },
});

async function openDeal(sku: string, overrides: Record<string, unknown> = {}) {
  return api
    .http()
    .post('/v1/deals')
    .set('X-API-Key', testKeys.storefront)
    .send({
      dealId: `d${randomUUID().slice(0, 10)}`,
      sku,
      groupPriceMinor: 1_500,
      targetSize: 2,
      maxSize: 3,
      deadline: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
      leader: member('leader'),
      ...overrides,
    });
}

async function waitForStatus(dealId: string, status: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await api.http().get(`/v1/deals/${dealId}`).set('X-API-Key', testKeys.storefront);
    if ((res.body as { status?: string }).status === status) return res.body as Record<string, unknown>;
    if (Date.now() > deadline)
      throw new Error(`deal ${dealId} never became ${status}: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('group deals through the API', () => {
  it('opens a deal with its leader in, lets a second customer join, and forms it', async () => {
    const sku = uniqueSku('DEAL');
    await seedProduct(api.saga.pool, sku, 2_000, 5);
    const opened = await openDeal(sku);
    expect(opened.status).toBe(201);
    const dealId = (opened.body as { dealId: string }).dealId;
    expect(opened.headers.location).toBe(`/v1/deals/${dealId}`);
    expect(opened.body).toMatchObject({
      status: 'open',
      joined: 1,
      needed: 1,
      currency: 'EUR',
      productName: `Test product ${sku}`,
    });
    expect((opened.body as { secondsLeft: number }).secondsLeft).toBeGreaterThan(3_500);

    const again = await api
      .http()
      .post(`/v1/deals/${dealId}/join`)
      .set('X-API-Key', testKeys.storefront)
      .send(member('leader'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'deal_request_refused',
      detail: expect.stringMatching(/already joined/) as string,
    });

    const joined = await api
      .http()
      .post(`/v1/deals/${dealId}/join`)
      .set('X-API-Key', testKeys.storefront)
      .send(member('bea'));
    expect(joined.status).toBe(200);
    const formed = await waitForStatus(dealId, 'formed');
    expect(formed).toMatchObject({ joined: 2, needed: 0 });
    expect((formed.participants as { status: string }[]).map((p) => p.status)).toEqual([
      'charged',
      'charged',
    ]);
    expect(await availableStock(api.saga.pool, sku)).toBe(3);

    // The listing reads Temporal visibility, which follows the deal's DealStatus update a moment after
    // the deal answers `formed` to its query: wait (bounded) for the formed deal to leave the open ones.
    let listedIds: string[] = [];
    for (const deadline = Date.now() + 10_000; ;) {
      const listed = await api.http().get('/v1/deals').set('X-API-Key', testKeys.storefront);
      expect(listed.status).toBe(200);
      listedIds = (listed.body as { deals: { dealId: string }[] }).deals.map((d) => d.dealId);
      if (!listedIds.includes(dealId) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(listedIds).not.toContain(dealId);
  });

  it('refuses bad terms, a taken id, an unknown SKU and an unknown deal with clear problems', async () => {
    const sku = uniqueSku('DEAL');
    await seedProduct(api.saga.pool, sku, 2_000, 5);
    const small = await openDeal(sku, { targetSize: 4, maxSize: 3 });
    expect(small.status).toBe(422);
    expect(small.body).toMatchObject({
      code: 'invalid_deal_terms',
      detail: 'maxSize 3 is below targetSize 4',
    });
    const past = await openDeal(sku, { deadline: new Date(Date.now() - 1000).toISOString() });
    expect(past.body).toMatchObject({ code: 'invalid_deal_terms' });
    expect((await openDeal('NO-SUCH-SKU')).body).toMatchObject({ code: 'unknown_sku' });

    const first = await openDeal(sku);
    const dealId = (first.body as { dealId: string }).dealId;
    const taken = await openDeal(sku, { dealId });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'deal_exists', dealId });

    const missing = await api.http().get('/v1/deals/no-such-deal').set('X-API-Key', testKeys.storefront);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'deal_not_found' });

    const cancelled = await api
      .http()
      .post(`/v1/deals/${dealId}/cancel`)
      .set('X-API-Key', testKeys.operator)
      .send({ reason: 'test over', requestedBy: 'ops' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect(await availableStock(api.saga.pool, sku)).toBe(5);
  });
});
