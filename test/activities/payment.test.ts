/**
 * The payment steps against the real payment server of the stack (localstripe, which speaks the Stripe
 * API but ignores idempotency keys: the steps must not need them to charge once) and real PostgreSQL.
 */
import type { Pool } from 'pg';
import type Stripe from 'stripe';
import { createPaymentActivities } from '../../activities/payment';
import type { AuthorizePaymentRequest } from '../../activities/payment';
import type { EventStamp } from '../../contracts/events';
import { loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { createPaymentClient } from '../../platform/payments';
import { uniqueOrderId } from '../support/catalog';

let pool: Pool;
let stripe: Stripe;
let payments: ReturnType<typeof createPaymentActivities>;

beforeAll(async () => {
  const config = loadConfig();
  pool = createPool({ ...config, database: { ...config.database, poolMax: 20 } });
  await migrate(pool);
  stripe = createPaymentClient(config);
  payments = createPaymentActivities(pool, stripe);
});
afterAll(async () => {
  await pool.end();
});

const stamp = (orderId: string, sequence: number): EventStamp => ({
  id: `order-${orderId}:${sequence}`,
  subject: orderId,
  sequence,
  time: new Date().toISOString(),
});

function authorization(method = 'pm_card_visa'): AuthorizePaymentRequest {
  return { orderId: uniqueOrderId(), customerId: 'c-pay', amountMinor: 4_250, currency: 'EUR', method };
}

async function outboxTypes(orderId: string): Promise<string[]> {
  const { rows } = await pool.query<{ type: string }>(
    'SELECT type FROM outbox_events WHERE message_key = $1 ORDER BY position',
    [orderId],
  );
  return rows.map((r) => r.type);
}

/** Every PaymentIntent the provider holds for the order (localstripe cannot filter by metadata). */
async function intentsOf(orderId: string): Promise<Stripe.PaymentIntent[]> {
  const found: Stripe.PaymentIntent[] = [];
  for await (const intent of stripe.paymentIntents.list({ limit: 100 })) {
    if (intent.metadata.orderId === orderId) found.push(intent);
  }
  return found;
}

describe('payment activities (real payment server, real PostgreSQL)', () => {
  it('authorizes once however often the step runs at once: one intent held, one event', async () => {
    const request = authorization();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => payments.authorizePayment(request, stamp(request.orderId, 3))),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toMatchObject({ status: 'authorized', amountMinor: 4_250, currency: 'EUR' });
    const held = (await intentsOf(request.orderId)).filter((i) => i.status === 'requires_capture');
    expect(held.map((i) => [i.id, i.amount, i.currency])).toEqual([
      [results[0]!.paymentIntentId, 4_250, 'eur'],
    ]);
    expect(await outboxTypes(request.orderId)).toEqual(['payment.authorized']);
  });

  it('records a decline as an outcome with the provider code, and holds nothing', async () => {
    const request = authorization('pm_card_chargeCustomerFail');
    const payment = await payments.authorizePayment(request, stamp(request.orderId, 3));
    expect(payment).toMatchObject({ status: 'declined', declineCode: 'card_declined' });
    expect(payment.reason).toMatch(/declined/i);
    // A retry answers the recorded decline instead of asking the provider again.
    expect(await payments.authorizePayment(request, stamp(request.orderId, 3))).toEqual(payment);
    expect((await intentsOf(request.orderId)).filter((i) => i.status === 'requires_capture')).toEqual([]);
    expect(await outboxTypes(request.orderId)).toEqual(['payment.declined']);
  });

  it('captures once: a retried capture answers the recorded capture', async () => {
    const request = authorization();
    const { paymentIntentId } = await payments.authorizePayment(request, stamp(request.orderId, 3));
    const [first, second] = await Promise.all([
      payments.capturePayment(request.orderId, stamp(request.orderId, 4)),
      payments.capturePayment(request.orderId, stamp(request.orderId, 4)),
    ]);
    expect(first).toEqual(second);
    expect(first).toMatchObject({ status: 'captured', paymentIntentId });
    const intent = await stripe.paymentIntents.retrieve(paymentIntentId!);
    expect([intent.status, intent.amount]).toEqual(['succeeded', 4_250]);
    expect(await outboxTypes(request.orderId)).toEqual(['payment.authorized', 'payment.captured']);
  });

  it('voids an authorization as compensation, once, and says so on a retry', async () => {
    const request = authorization();
    const { paymentIntentId } = await payments.authorizePayment(request, stamp(request.orderId, 3));
    const voided = await payments.voidPayment(request.orderId, stamp(request.orderId, 4));
    expect(voided).toMatchObject({ undone: true, payment: { status: 'voided' } });
    expect((await stripe.paymentIntents.retrieve(paymentIntentId!)).status).toBe('canceled');
    expect(await payments.voidPayment(request.orderId, stamp(request.orderId, 4))).toEqual(voided);
    expect(await outboxTypes(request.orderId)).toEqual(['payment.authorized', 'payment.voided']);
  });

  it('refunds a capture as compensation exactly once, even when the step runs again', async () => {
    const request = authorization();
    const { paymentIntentId } = await payments.authorizePayment(request, stamp(request.orderId, 3));
    await payments.capturePayment(request.orderId, stamp(request.orderId, 4));
    const [a, b] = await Promise.all([
      payments.voidPayment(request.orderId, stamp(request.orderId, 5)),
      payments.voidPayment(request.orderId, stamp(request.orderId, 5)),
    ]);
    expect(a.payment?.status).toBe('refunded');
    expect(b.payment?.status).toBe('refunded');
    const refunds = await stripe.refunds.list({ payment_intent: paymentIntentId! });
    expect(refunds.data.reduce((sum, r) => sum + r.amount, 0)).toBe(4_250);
    expect(await outboxTypes(request.orderId)).toEqual([
      'payment.authorized',
      'payment.captured',
      'payment.refunded',
    ]);
  });

  it('has nothing to undo for an order without a payment or with a declined one', async () => {
    expect(await payments.voidPayment(uniqueOrderId(), stamp('x', 9))).toEqual({ undone: false });
    const declined = authorization('pm_card_chargeCustomerFail');
    await payments.authorizePayment(declined, stamp(declined.orderId, 3));
    expect(await payments.voidPayment(declined.orderId, stamp(declined.orderId, 4))).toMatchObject({
      undone: false,
      payment: { status: 'declined' },
    });
  });
});
