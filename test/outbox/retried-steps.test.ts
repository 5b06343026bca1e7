import { ApplicationFailure } from '@temporalio/common';
import { createFraudActivities } from '../../activities/fraud';
import { createInventoryActivities } from '../../activities/inventory';
import { stampedOrderEvent } from '../../contracts/events';
import { loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { availableStock, pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { outboxRowsOf, stampOf } from './outbox-support';

jest.setTimeout(60_000);

const config = loadConfig();
const pool = createPool(config);
const inventory = createInventoryActivities(pool);
const fraud = createFraudActivities(pool, config.fraud);

beforeAll(() => migrate(pool));
afterAll(() => pool.end());

function orderOf(sku: string, quantity: number) {
  const order = pricedOrder([{ sku, quantity, unitPriceMinor: 1_000 }]);
  const { orderId, customerId, totalMinor, currency, placedAt } = order;
  const created = stampedOrderEvent(stampOf(orderId, 1), 'order.created', {
    orderId,
    customerId,
    totalMinor,
    currency,
    placedAt,
    lines: [{ sku, quantity, unitPriceMinor: 1_000 }],
  });
  const reserve = { orderId, lines: [{ sku, quantity }], events: { created, outcome: stampOf(orderId, 2) } };
  return { order, reserve };
}

describe('a step retried after it committed (its result lost in a crash)', () => {
  it('reserves, scores and commits once, and writes each event once', async () => {
    const sku = uniqueSku();
    await seedProduct(pool, sku, 1_000, 5);
    const { order, reserve } = orderOf(sku, 2);
    const { orderId } = order;
    const confirmed = stampedOrderEvent(stampOf(orderId, 4), 'order.confirmed', {
      orderId,
      customerId: order.customerId,
      totalMinor: order.totalMinor,
      currency: order.currency,
    });

    const first = await inventory.reserveInventory(reserve);
    expect(await inventory.reserveInventory(reserve)).toEqual(first);
    const assessed = await fraud.assessFraud(order, stampOf(orderId, 3));
    expect(await fraud.assessFraud(order, stampOf(orderId, 3))).toEqual(assessed);
    await inventory.commitInventory(orderId, [confirmed]);
    expect((await inventory.commitInventory(orderId, [confirmed])).status).toBe('committed');

    expect(await availableStock(pool, sku)).toBe(3);
    expect(await outboxRowsOf(pool, orderId)).toEqual([
      { id: `order-${orderId}:1`, type: 'order.created' },
      { id: `order-${orderId}:2`, type: 'inventory.reserved' },
      { id: `order-${orderId}:3`, type: 'fraud.assessed' },
      { id: `order-${orderId}:4`, type: 'order.confirmed' },
    ]);
  });

  it('refuses a short order the same way on every attempt and writes its two events once', async () => {
    const sku = uniqueSku();
    await seedProduct(pool, sku, 1_000, 1);
    const { order, reserve } = orderOf(sku, 3);
    const refusal = { type: 'InsufficientStock', details: [[{ sku, requested: 3, available: 1 }]] };
    await expect(inventory.reserveInventory(reserve)).rejects.toMatchObject(refusal);
    // Stock that arrives later does not change the recorded outcome of the retried step.
    await pool.query('UPDATE stock SET available = 10 WHERE sku = $1', [sku]);
    const retried = inventory.reserveInventory(reserve);
    await expect(retried).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(retried).rejects.toMatchObject(refusal);
    expect((await outboxRowsOf(pool, order.orderId)).map((r) => r.type)).toEqual([
      'order.created',
      'inventory.insufficient',
    ]);
    expect(await availableStock(pool, sku)).toBe(10);
  });

  it('releases once and writes one inventory.released however often the compensation runs', async () => {
    const sku = uniqueSku();
    await seedProduct(pool, sku, 1_000, 4);
    const { order, reserve } = orderOf(sku, 4);
    await inventory.reserveInventory(reserve);
    expect(await availableStock(pool, sku)).toBe(0);
    const released = await inventory.releaseInventory(order.orderId, stampOf(order.orderId, 3));
    expect(await inventory.releaseInventory(order.orderId, stampOf(order.orderId, 3))).toEqual(released);
    expect(released).toMatchObject({ status: 'released', lines: [{ sku, quantity: 4 }] });
    expect(await availableStock(pool, sku)).toBe(4);
    expect((await outboxRowsOf(pool, order.orderId)).map((r) => r.type)).toEqual([
      'order.created',
      'inventory.reserved',
      'inventory.released',
    ]);
  });
});
