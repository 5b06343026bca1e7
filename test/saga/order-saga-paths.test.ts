import { cancelUpdate, decideReviewUpdate, statusQuery } from '../../workflows/messages';
import { availableStock, pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { recordHistory } from '../support/histories';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';
import { expectWellFormedStream, typesOf } from './expectations';
import { pathEvents } from '../support/path-events';

jest.setTimeout(120_000);

let h: SagaHarness;
const blockedEmail = 'fraudster@blocked.example';

beforeAll(async () => {
  h = await startSagaHarness({
    configure: (c) => ({
      ...c,
      fraud: { ...c.fraud, blocklistEmails: [blockedEmail], highAmountMinor: 50_000 },
    }),
  });
});
afterAll(async () => {
  await h?.stop();
});

async function productWithStock(available: number, priceMinor = 1_000): Promise<string> {
  const sku = uniqueSku();
  await seedProduct(h.pool, sku, priceMinor, available);
  return sku;
}

describe('orderSaga end to end (real Temporal, Kafka, PostgreSQL, SMTP)', () => {
  it('confirms an order with stock and a clean fraud score, commits the stock and mails the customer', async () => {
    const sku = await productWithStock(10);
    const order = pricedOrder([{ sku, quantity: 3, unitPriceMinor: 1_000 }]);
    const handle = await h.startOrder(order);

    expect(await handle.result()).toEqual({
      orderId: order.orderId,
      status: 'confirmed',
      notification: 'sent',
    });
    expect(await availableStock(h.pool, sku)).toBe(7);
    const { rows } = await h.pool.query('SELECT status FROM reservations WHERE order_id = $1', [
      order.orderId,
    ]);
    expect(rows).toEqual([{ status: 'committed' }]);

    const [mail] = await h.mail.waitFor(order.contact.email);
    expect(mail?.subject).toBe(`Your order ${order.orderId} is confirmed`);
    expect(mail?.text).toContain(`3 × Test product ${sku} (${sku}) at 10.00 EUR = 30.00 EUR`);
    expect(mail?.text).toContain('Total: 30.00 EUR');
    expect(mail?.html).toContain('<strong>Total: 30.00 EUR</strong>');

    const events = await h.events.waitForType(order.orderId, 'notification.sent');
    expect(typesOf(events)).toEqual(pathEvents.confirmed);
    expectWellFormedStream(events, order.orderId);

    const state = await handle.query(statusQuery);
    expect(state.timeline.map((t) => t.status)).toEqual([
      'received',
      'reserving',
      'assessing_fraud',
      'confirming',
      'confirmed',
    ]);
    expect(state.fraud?.reasons.map((r) => r.code)).toEqual(['first_order']);
    await recordHistory(handle, 'happy-path');
  });

  it('rejects an order whose stock is short without reserving anything', async () => {
    const plenty = await productWithStock(5);
    const scarce = await productWithStock(1);
    const order = pricedOrder([
      { sku: plenty, quantity: 2, unitPriceMinor: 1_000 },
      { sku: scarce, quantity: 2, unitPriceMinor: 1_000 },
    ]);
    const handle = await h.startOrder(order);
    const result = await handle.result();
    await recordHistory(handle, 'insufficient-stock');

    expect(result).toMatchObject({ status: 'rejected', reason: `insufficient stock for ${scarce}` });
    expect([await availableStock(h.pool, plenty), await availableStock(h.pool, scarce)]).toEqual([5, 1]);
    const events = await h.events.waitForType(order.orderId, 'notification.sent');
    expect(typesOf(events)).toEqual([
      'order.created',
      'inventory.insufficient',
      'order.rejected',
      'notification.sent',
    ]);
    const insufficient = events.find((e) => e.type === 'inventory.insufficient');
    expect(insufficient?.data).toEqual({
      orderId: order.orderId,
      shortages: [{ sku: scarce, requested: 2, available: 1 }],
    });
    expectWellFormedStream(events, order.orderId);
    const [mail] = await h.mail.waitFor(order.contact.email);
    expect(mail?.subject).toBe(`We could not accept your order ${order.orderId}`);
  });

  it('releases the reservation when fraud rejects the order', async () => {
    const sku = await productWithStock(4);
    const order = pricedOrder([{ sku, quantity: 2, unitPriceMinor: 1_000 }], {
      contact: { email: blockedEmail },
    });
    const handle = await h.startOrder(order);
    const result = await handle.result();

    expect(result).toMatchObject({ status: 'rejected' });
    expect(result.reason).toMatch(/fraud score 1\d\d reached the reject threshold 90/);
    expect(await availableStock(h.pool, sku)).toBe(4);
    const events = await h.events.waitFor(
      order.orderId,
      (es) => es.some((e) => e.type === 'notification.sent' || e.type === 'notification.failed'),
      'the notification event',
    );
    expect(typesOf(events)).toEqual([
      'order.created',
      'inventory.reserved',
      'fraud.assessed',
      'inventory.released',
      'order.rejected',
      'notification.sent',
    ]);
    expectWellFormedStream(events, order.orderId);
    const state = await handle.query(statusQuery);
    expect(state.compensations).toEqual([{ step: 'release inventory', outcome: 'done' }]);
    expect(state.fraud?.reasons.map((r) => r.code)).toContain('blocklisted_email');
    await recordHistory(handle, 'fraud-reject');
  });

  it('holds a risky order for review and confirms it when the reviewer approves', async () => {
    const sku = await productWithStock(3, 60_000);
    const order = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 60_000 }]);
    const handle = await h.startOrder(order);
    await h.events.waitForType(order.orderId, 'order.review_required');
    expect((await handle.query(statusQuery)).status).toBe('awaiting_review');
    expect(await availableStock(h.pool, sku)).toBe(2);

    const after = await handle.executeUpdate(decideReviewUpdate, {
      args: [{ decision: 'approve', reviewer: 'ops@example.com', note: 'known customer' }],
    });
    expect(after.status).toBe('confirmed');
    expect(await handle.result()).toMatchObject({ status: 'confirmed', notification: 'sent' });
    await recordHistory(handle, 'review-approve');
    expect(await availableStock(h.pool, sku)).toBe(2);
    const events = await h.events.waitForType(order.orderId, 'notification.sent');
    expect(typesOf(events)).toEqual(pathEvents.approvedInReview);
    expect(events.find((e) => e.type === 'order.review_decided')?.data).toEqual({
      orderId: order.orderId,
      decision: 'approve',
      reviewer: 'ops@example.com',
      note: 'known customer',
      timedOut: false,
    });
    expectWellFormedStream(events, order.orderId);
  });

  it('rejects a held order when nobody decides before the review timeout, and releases its stock', async () => {
    const sku = await productWithStock(2, 60_000);
    const order = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 60_000 }]);
    const handle = await h.startOrder(order, { reviewTimeoutMs: 1_500 });
    const result = await handle.result();
    await recordHistory(handle, 'review-timeout');

    expect(result).toMatchObject({ status: 'rejected', reason: 'the fraud review timed out' });
    expect(await availableStock(h.pool, sku)).toBe(2);
    const events = await h.events.waitForType(order.orderId, 'notification.sent');
    expect(typesOf(events)).toEqual(pathEvents.rejectedInReview);
    expect(events.find((e) => e.type === 'order.review_decided')?.data).toMatchObject({ timedOut: true });
    expect(events.find((e) => e.type === 'order.rejected')?.data).toMatchObject({ code: 'review_timeout' });
    expectWellFormedStream(events, order.orderId);
  });

  it('cancels a held order on request, compensates, and mails the customer', async () => {
    const sku = await productWithStock(2, 60_000);
    const order = pricedOrder([{ sku, quantity: 2, unitPriceMinor: 60_000 }]);
    const handle = await h.startOrder(order);
    await h.events.waitForType(order.orderId, 'order.review_required');
    expect(await availableStock(h.pool, sku)).toBe(0);

    const after = await handle.executeUpdate(cancelUpdate, {
      args: [{ reason: 'customer changed their mind', requestedBy: 'customer' }],
    });
    expect(after).toMatchObject({ status: 'cancelled', reason: 'customer changed their mind' });
    expect(await availableStock(h.pool, sku)).toBe(2);
    expect(await handle.result()).toMatchObject({ status: 'cancelled', notification: 'sent' });
    await recordHistory(handle, 'cancel-during-review');
    const events = await h.events.waitForType(order.orderId, 'notification.sent');
    expect(typesOf(events)).toEqual(pathEvents.cancelledInReview);
    expectWellFormedStream(events, order.orderId);
    const [mail] = await h.mail.waitFor(order.contact.email);
    expect(mail?.subject).toBe(`Your order ${order.orderId} was cancelled`);
    expect(mail?.text).toContain('Reason: customer changed their mind');
  });
});
