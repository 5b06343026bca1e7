import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { createInventoryActivities } from '../../activities/inventory';
import { loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { availableStock, seedProduct, uniqueOrderId, uniqueSku } from '../support/catalog';

let pool: Pool;
let inventory: ReturnType<typeof createInventoryActivities>;

beforeAll(async () => {
  pool = createPool({ ...loadConfig(), database: { ...loadConfig().database, poolMax: 20 } });
  await migrate(pool);
  inventory = createInventoryActivities(pool);
});
afterAll(async () => {
  await pool.end();
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure))
    throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
  return err;
}

describe('inventory activities (real PostgreSQL)', () => {
  it('reserves once per order however often the activity is retried, even concurrently', async () => {
    const sku = uniqueSku();
    await seedProduct(pool, sku, 100, 10);
    const orderId = uniqueOrderId();
    const request = { orderId, lines: [{ sku, quantity: 3 }] };
    const results = await Promise.all(Array.from({ length: 8 }, () => inventory.reserveInventory(request)));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toEqual({ orderId, status: 'reserved', lines: [{ sku, quantity: 3 }] });
    expect(await availableStock(pool, sku)).toBe(7);
  });

  it('reserves all lines or none, and reports every short line as a non-retryable failure', async () => {
    const a = uniqueSku();
    const b = uniqueSku();
    await seedProduct(pool, a, 100, 5);
    await seedProduct(pool, b, 100, 1);
    const orderId = uniqueOrderId();
    const failure = await failureOf(
      inventory.reserveInventory({
        orderId,
        lines: [
          { sku: a, quantity: 5 },
          { sku: b, quantity: 2 },
        ],
      }),
    );
    expect(failure).toMatchObject({ type: 'InsufficientStock', nonRetryable: true });
    expect(failure.details).toEqual([[{ sku: b, requested: 2, available: 1 }]]);
    expect([await availableStock(pool, a), await availableStock(pool, b)]).toEqual([5, 1]);
    // The refusal is recorded (so a retry gives the same answer), holding nothing.
    const head = await pool.query('SELECT status FROM reservations WHERE order_id = $1', [orderId]);
    expect(head.rows).toEqual([{ status: 'insufficient' }]);
    const held = await pool.query('SELECT 1 FROM reservation_lines WHERE order_id = $1', [orderId]);
    expect(held.rowCount).toBe(0);
  });

  it('treats an unknown SKU as a shortage with nothing available', async () => {
    const failure = await failureOf(
      inventory.reserveInventory({ orderId: uniqueOrderId(), lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] }),
    );
    expect(failure.details).toEqual([[{ sku: 'NO-SUCH-SKU', requested: 1, available: 0 }]]);
  });

  it('releases once, and a release that beats the reservation stops a late reserve from taking stock', async () => {
    const sku = uniqueSku();
    await seedProduct(pool, sku, 100, 4);
    const orderId = uniqueOrderId();
    await inventory.reserveInventory({ orderId, lines: [{ sku, quantity: 4 }] });
    await Promise.all([inventory.releaseInventory(orderId), inventory.releaseInventory(orderId)]);
    expect(await availableStock(pool, sku)).toBe(4);

    const early = uniqueOrderId();
    expect(await inventory.releaseInventory(early)).toEqual({
      orderId: early,
      status: 'released',
      lines: [],
    });
    const late = await failureOf(
      inventory.reserveInventory({ orderId: early, lines: [{ sku, quantity: 1 }] }),
    );
    expect(late).toMatchObject({ type: 'ReservationReleased', nonRetryable: true });
    expect(await availableStock(pool, sku)).toBe(4);
  });

  it('commits idempotently and refuses to release or commit against the state', async () => {
    const sku = uniqueSku();
    await seedProduct(pool, sku, 100, 2);
    const orderId = uniqueOrderId();
    await inventory.reserveInventory({ orderId, lines: [{ sku, quantity: 2 }] });
    await inventory.commitInventory(orderId);
    expect(await inventory.commitInventory(orderId)).toMatchObject({ status: 'committed' });
    expect(await failureOf(inventory.releaseInventory(orderId))).toMatchObject({
      type: 'ReservationCommitted',
    });
    expect(await failureOf(inventory.commitInventory(uniqueOrderId()))).toMatchObject({
      type: 'ReservationMissing',
    });
    expect(await availableStock(pool, sku)).toBe(0);
  });
});
