import { availableStock, pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';

jest.setTimeout(240_000);

let h: SagaHarness;

beforeAll(async () => {
  h = await startSagaHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('orderSaga under concurrency', () => {
  it('confirms exactly as many of 50 concurrent orders as there is stock (20), and rejects the other 30', async () => {
    const sku = uniqueSku();
    await seedProduct(h.pool, sku, 1_000, 20);
    // Distinct customers and small totals: the fraud check approves every one of them.
    const orders = Array.from({ length: 50 }, () =>
      pricedOrder([{ sku, quantity: 1, unitPriceMinor: 1_000 }]),
    );
    const handles = await Promise.all(orders.map((order) => h.startOrder(order)));
    const results = await Promise.all(handles.map((handle) => handle.result()));

    const byStatus = results.reduce<Record<string, number>>(
      (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
      {},
    );
    expect(byStatus).toEqual({ confirmed: 20, rejected: 30 });
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => r.reason === `insufficient stock for ${sku}`),
    ).toBe(true);
    expect(await availableStock(h.pool, sku)).toBe(0);
    const { rows } = await h.pool.query<{ status: string; units: string }>(
      `SELECT r.status, sum(l.quantity) AS units FROM reservations r JOIN reservation_lines l USING (order_id)
        WHERE l.sku = $1 GROUP BY r.status`,
      [sku],
    );
    expect(rows).toEqual([{ status: 'committed', units: '20' }]);
  });
});
