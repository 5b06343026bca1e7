/**
 * orderSaga with payment, end to end against the stack's payment server (localstripe, spoken to with the
 * official Stripe client): authorize after the reservation, capture at confirmation, void as
 * compensation, a decline rejects the order, and a provider outage only makes the saga wait.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type Stripe from 'stripe';
import { createPaymentClient } from '../../platform/payments';
import { cancelUpdate, statusQuery } from '../../workflows/messages';
import { availableStock, pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { recordHistory } from '../support/histories';
import { paidPathEvents } from '../support/path-events';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';
import { expectWellFormedStream, typesOf } from './expectations';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
let h: SagaHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startSagaHarness({
    configure: (c) => ({ ...c, fraud: { ...c.fraud, highAmountMinor: 50_000 } }),
  });
  stripe = createPaymentClient(h.config);
});
afterAll(async () => {
  await h?.stop();
});

async function productWithStock(available: number, priceMinor: number): Promise<string> {
  const sku = uniqueSku('PAY');
  await seedProduct(h.pool, sku, priceMinor, available);
  return sku;
}

/** The order's PaymentIntents at the provider (localstripe cannot filter by metadata). */
async function intentsOf(orderId: string): Promise<Stripe.PaymentIntent[]> {
  const found: Stripe.PaymentIntent[] = [];
  for await (const intent of stripe.paymentIntents.list({ limit: 100 })) {
    if (intent.metadata.orderId === orderId) found.push(intent);
  }
  return found;
}

function stack(command: 'up' | 'down', server: string): void {
  execFileSync('bash', [path.join(root, `stack/${command}`), server], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe('orderSaga with payment (real Temporal, Kafka, PostgreSQL, SMTP and payment server)', () => {
  it('authorizes after the reservation and captures the total at confirmation', async () => {
    const sku = await productWithStock(5, 1_250);
    const order = pricedOrder([{ sku, quantity: 2, unitPriceMinor: 1_250 }], {
      payment: { method: 'pm_card_visa' },
    });
    const handle = await h.startOrder(order);
    expect(await handle.result()).toMatchObject({ status: 'confirmed', notification: 'sent' });
    await recordHistory(handle, 'payment-captured');

    const [intent, ...others] = await intentsOf(order.orderId);
    expect(others).toEqual([]);
    expect([intent?.status, intent?.amount, intent?.currency]).toEqual(['succeeded', 2_500, 'eur']);
    const state = await handle.query(statusQuery);
    expect(state.payment).toEqual({
      status: 'captured',
      paymentIntentId: intent?.id,
      amountMinor: 2_500,
      currency: 'EUR',
    });
    const events = await h.events.waitForType(order.orderId, 'notification.sent');
    expect(typesOf(events)).toEqual(paidPathEvents.confirmed);
    expectWellFormedStream(events, order.orderId);
  });

  it('rejects an order whose payment is declined, releases its stock and captures nothing', async () => {
    const sku = await productWithStock(3, 1_000);
    const order = pricedOrder([{ sku, quantity: 3, unitPriceMinor: 1_000 }], {
      payment: { method: 'pm_card_chargeCustomerFail' },
    });
    const handle = await h.startOrder(order);
    const result = await handle.result();
    await recordHistory(handle, 'payment-declined');
    expect(result).toMatchObject({ status: 'rejected', notification: 'sent' });
    expect(result.reason).toMatch(/^payment declined \(card_declined\)/);
    expect(await availableStock(h.pool, sku)).toBe(3);
    expect((await intentsOf(order.orderId)).map((i) => i.status)).toEqual(['requires_payment_method']);
    const events = await h.events.waitForType(order.orderId, 'notification.sent');
    expect(typesOf(events)).toEqual(paidPathEvents.declined);
    expect(events.find((e) => e.type === 'order.rejected')?.data).toMatchObject({ code: 'payment_declined' });
    const [mail] = await h.mail.waitFor(order.contact.email);
    expect(mail?.text).toContain('payment declined');
  });

  it('voids the authorization when a held order is cancelled', async () => {
    const sku = await productWithStock(1, 60_000);
    const order = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 60_000 }], {
      payment: { method: 'pm_card_visa' },
    });
    const handle = await h.startOrder(order);
    await h.events.waitForType(order.orderId, 'order.review_required');
    expect((await intentsOf(order.orderId)).map((i) => i.status)).toEqual(['requires_capture']);

    const after = await handle.executeUpdate(cancelUpdate, {
      args: [{ reason: 'customer changed their mind', requestedBy: 'customer' }],
    });
    expect(after).toMatchObject({ status: 'cancelled', payment: { status: 'voided' } });
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    await recordHistory(handle, 'payment-voided-on-cancel');
    expect((await intentsOf(order.orderId)).map((i) => i.status)).toEqual(['canceled']);
    expect(await availableStock(h.pool, sku)).toBe(1);
    const events = await h.events.waitForType(order.orderId, 'notification.sent');
    expect(typesOf(events)).toEqual(paidPathEvents.cancelledInReview);
    expectWellFormedStream(events, order.orderId);
  });

  it('waits while the payment server is down and charges exactly once when it is back', async () => {
    const sku = await productWithStock(2, 1_500);
    const order = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 1_500 }], {
      payment: { method: 'pm_card_visa' },
    });
    stack('down', 'localstripe');
    try {
      const handle = await h.startOrder(order);
      // The authorization is retried (a pending activity in the UI) while the stock stays reserved.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { pendingActivities } = await handle.describe().then((d) => d.raw);
        const attempt =
          pendingActivities?.find((a) => a.activityType?.name === 'authorizePayment')?.attempt ?? 0;
        if (attempt >= 2) break;
        if (Date.now() > deadline) throw new Error('the authorization was never retried');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect((await handle.query(statusQuery)).status).toBe('reserving');
      expect(await availableStock(h.pool, sku)).toBe(1);
      stack('up', 'localstripe');
      expect(await handle.result()).toMatchObject({ status: 'confirmed' });
    } finally {
      stack('up', 'localstripe');
    }
    const intents = await intentsOf(order.orderId);
    expect(intents.filter((i) => i.status === 'succeeded').map((i) => i.amount)).toEqual([1_500]);
    expect(intents.filter((i) => i.status === 'requires_capture')).toEqual([]);
  });
});
