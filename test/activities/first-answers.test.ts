/**
 * Every step answers a repeat as it first did, whatever later steps made of its rows: the repeats a
 * workflow task retried after a crash makes of steps that already committed (real PostgreSQL, real
 * payment server). And what the payment server can never change is an answer, not an endless retry.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createInventoryActivities } from '../../activities/inventory';
import { createPaymentActivities } from '../../activities/payment';
import { PaymentFailureType } from '../../contracts/payment-failures';
import { loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { createPaymentClient } from '../../platform/payments';
import { availableStock, seedProduct, uniqueOrderId, uniqueSku } from '../support/catalog';
import { stampOf } from '../outbox/outbox-support';

const config = loadConfig();
const pool = createPool(config);
const inventory = createInventoryActivities(pool);
const payments = createPaymentActivities(pool, createPaymentClient(config));

beforeAll(() => migrate(pool));
afterAll(() => pool.end());

const authorization = (orderId: string) => ({
  orderId,
  customerId: 'cust-first-answers',
  amountMinor: 3_000,
  currency: 'EUR',
  method: 'pm_card_visa',
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err;
}

describe('a step repeated after later steps moved its rows on', () => {
  it('answers the authorization `authorized` after the capture, and the capture `captured` after a refund', async () => {
    const orderId = uniqueOrderId('first');
    const authorized = await payments.authorizePayment(authorization(orderId), stampOf(orderId, 3));
    expect(authorized.status).toBe('authorized');
    const captured = await payments.capturePayment(orderId, stampOf(orderId, 5));
    expect(captured.status).toBe('captured');
    // Read from the captured row, the answer would be "not authorized": a decline, and a refund.
    await expect(payments.authorizePayment(authorization(orderId), stampOf(orderId, 3))).resolves.toEqual(
      authorized,
    );
    const refunded = await payments.voidPayment(orderId, stampOf(orderId, 6));
    expect(refunded).toMatchObject({ undone: true, payment: { status: 'refunded' } });
    await expect(payments.capturePayment(orderId, stampOf(orderId, 5))).resolves.toEqual(captured);
    await expect(payments.voidPayment(orderId, stampOf(orderId, 6))).resolves.toEqual(refunded);
    const { rows } = await pool.query<{ type: string }>(
      'SELECT type FROM outbox_events WHERE message_key = $1 ORDER BY position',
      [orderId],
    );
    expect(rows.map((r) => r.type)).toEqual(['payment.authorized', 'payment.captured', 'payment.refunded']);
  });

  it('answers the reservation `reserved` with its lines after the commit, and after a release', async () => {
    const sku = uniqueSku();
    await seedProduct(pool, sku, 1_000, 5);
    const committedOrder = uniqueOrderId('first');
    const request = { orderId: committedOrder, lines: [{ sku, quantity: 2 }] };
    const reserved = await inventory.reserveInventory(request);
    expect(reserved).toEqual({ orderId: committedOrder, status: 'reserved', lines: [{ sku, quantity: 2 }] });
    const committed = await inventory.commitInventory(committedOrder);
    await expect(inventory.reserveInventory(request)).resolves.toEqual(reserved);
    await expect(inventory.commitInventory(committedOrder)).resolves.toEqual(committed);

    const releasedOrder = uniqueOrderId('first');
    const again = { orderId: releasedOrder, lines: [{ sku, quantity: 1 }] };
    const first = await inventory.reserveInventory(again);
    const released = await inventory.releaseInventory(releasedOrder, stampOf(releasedOrder, 4));
    expect(released.status).toBe('released');
    // Read from the released row, the answer would fail the saga's first step: another outcome.
    await expect(inventory.reserveInventory(again)).resolves.toEqual(first);
    await expect(inventory.releaseInventory(releasedOrder, stampOf(releasedOrder, 4))).resolves.toEqual(
      released,
    );
    expect(await availableStock(pool, sku)).toBe(3);
  });
});

describe('an answer the payment server can never change', () => {
  async function recordIntentItForgot(orderId: string, status: 'authorizing' | 'authorized') {
    await pool.query(
      `INSERT INTO payments (order_id, status, payment_intent_id, amount_minor, currency)
       VALUES ($1, $2, $3, 3000, 'EUR')`,
      [orderId, status, `pi_forgotten_${orderId.replace(/\W/g, '')}`],
    );
  }

  it('declines an authorization whose recorded intent the server does not know', async () => {
    const orderId = uniqueOrderId('lost');
    await recordIntentItForgot(orderId, 'authorizing');
    const answer = await payments.authorizePayment(authorization(orderId), stampOf(orderId, 3));
    expect(answer).toMatchObject({ status: 'declined', declineCode: 'payment_intent_missing' });
  });

  it('refuses, once and for good, to capture an intent the server does not know, and voids it as done', async () => {
    const orderId = uniqueOrderId('lost');
    await recordIntentItForgot(orderId, 'authorized');
    const failure = await failureOf(payments.capturePayment(orderId, stampOf(orderId, 5)));
    expect(failure.type).toBe(PaymentFailureType.paymentRefused);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('has no intent');
    // Its repeat raises the same refusal, and the compensation finds nothing held.
    expect((await failureOf(payments.capturePayment(orderId, stampOf(orderId, 5)))).message).toBe(
      failure.message,
    );
    await expect(payments.voidPayment(orderId, stampOf(orderId, 5))).resolves.toMatchObject({
      undone: true,
      payment: { status: 'voided' },
    });
  });
});
