/**
 * Divergence is refused, loudly: an idempotent write that finds its key taken by different content is a
 * broken promise (two runs of one saga decided differently), not a duplicate to skip. The same content
 * stamped later (a retried workflow task) is a duplicate.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createInventoryActivities } from '../../activities/inventory';
import { createPaymentActivities } from '../../activities/payment';
import { stampedOrderEvent } from '../../contracts/events';
import { loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { DIVERGENT_WRITE, divergentWriteCount } from '../../platform/divergence';
import { writeToOutbox } from '../../platform/outbox';
import { createPaymentClient } from '../../platform/payments';
import { seedProduct, uniqueOrderId, uniqueSku } from '../support/catalog';
import { outboxRowsOf, stampOf } from './outbox-support';

const config = loadConfig();
const pool = createPool(config);

beforeAll(() => migrate(pool));
afterAll(() => pool.end());

function confirmed(orderId: string, totalMinor: number, time: string) {
  return stampedOrderEvent({ ...stampOf(orderId, 6), time }, 'order.confirmed', {
    orderId,
    customerId: 'cust-divergence',
    totalMinor,
    currency: 'EUR',
  });
}

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure)) throw new Error(`expected a refused write, got ${String(err)}`);
  return err;
}

describe('divergent writes', () => {
  it('skips the same event written again, even stamped later by a retried workflow task', async () => {
    const orderId = uniqueOrderId('div');
    await writeToOutbox(pool, [confirmed(orderId, 1_000, '2026-12-03T10:00:00.000Z')]);
    const before = await divergentWriteCount();
    await expect(writeToOutbox(pool, [confirmed(orderId, 1_000, '2026-12-03T10:00:12.000Z')])).resolves.toBe(
      0,
    );
    expect(await divergentWriteCount()).toBe(before);
    const { rows } = await pool.query<{ time: string }>(
      "SELECT event->>'time' AS time FROM outbox_events WHERE message_key = $1",
      [orderId],
    );
    expect(rows.map((r) => r.time)).toEqual(['2026-12-03T10:00:00.000Z']);
  });

  it('refuses another event under an id already written, naming both, and counts it', async () => {
    const orderId = uniqueOrderId('div');
    await writeToOutbox(pool, [confirmed(orderId, 1_000, '2026-12-03T10:00:00.000Z')]);
    const before = await divergentWriteCount();
    const rejected = stampedOrderEvent(stampOf(orderId, 6), 'order.rejected', {
      orderId,
      customerId: 'cust-divergence',
      totalMinor: 1_000,
      currency: 'EUR',
      code: 'payment_declined',
      reason: 'payment declined',
    });
    const failure = await refusal(writeToOutbox(pool, [rejected]));
    expect(failure.type).toBe(DIVERGENT_WRITE);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(`order-${orderId}:6`);
    expect(failure.message).toContain('order.confirmed');
    expect(failure.message).toContain('order.rejected');
    expect(await divergentWriteCount()).toBe(before + 1);
    expect((await outboxRowsOf(pool, orderId)).map((r) => r.type)).toEqual(['order.confirmed']);
  });

  it('refuses a reservation repeated with other lines instead of answering the first one', async () => {
    const sku = uniqueSku();
    await seedProduct(pool, sku, 1_000, 10);
    const inventory = createInventoryActivities(pool);
    const orderId = uniqueOrderId('div');
    await inventory.reserveInventory({ orderId, lines: [{ sku, quantity: 2 }] });
    await expect(
      inventory.reserveInventory({ orderId, lines: [{ sku, quantity: 2 }] }),
    ).resolves.toMatchObject({
      status: 'reserved',
    });
    const failure = await refusal(inventory.reserveInventory({ orderId, lines: [{ sku, quantity: 3 }] }));
    expect(failure.type).toBe(DIVERGENT_WRITE);
    expect(failure.message).toContain(`reserve of ${orderId}`);
  });

  it('refuses an authorization repeated for another amount', async () => {
    const payments = createPaymentActivities(pool, createPaymentClient(config));
    const orderId = uniqueOrderId('div');
    const request = {
      orderId,
      customerId: 'cust-div',
      amountMinor: 2_000,
      currency: 'EUR',
      method: 'pm_card_visa',
    };
    await expect(payments.authorizePayment(request, stampOf(orderId, 3))).resolves.toMatchObject({
      status: 'authorized',
    });
    const failure = await refusal(
      payments.authorizePayment({ ...request, amountMinor: 2_500 }, stampOf(orderId, 3)),
    );
    expect(failure.type).toBe(DIVERGENT_WRITE);
  });
});
