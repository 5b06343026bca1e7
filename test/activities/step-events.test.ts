/**
 * Every step writes exactly as many events as contracts/step-events.ts says, for each of its answers. The
 * saga moves its event numbering on by those counts: a step that wrote one more event than its entry
 * says would collide with the next step's event, one fewer would leave a gap in the order's sequence.
 * Real PostgreSQL, payment server and SMTP sink; each order's rows are counted in the outbox.
 */
import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';
import { createFraudActivities } from '../../activities/fraud';
import { createInventoryActivities } from '../../activities/inventory';
import { createNotificationActivities } from '../../activities/notification';
import { createOutboxActivities } from '../../activities/outbox';
import { createPaymentActivities } from '../../activities/payment';
import { stampedOrderEvent } from '../../contracts/events';
import { eventsWrittenBy } from '../../contracts/step-events';
import { loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { createPaymentClient } from '../../platform/payments';
import { pricedOrder, seedProduct, uniqueOrderId, uniqueSku } from '../support/catalog';
import { stampOf } from '../outbox/outbox-support';

const config = loadConfig();
const pool = createPool(config);
const transport = nodemailer.createTransport(config.mail.smtpUrl);
const inventory = createInventoryActivities(pool);
const payments = createPaymentActivities(pool, createPaymentClient(config));
const fraud = createFraudActivities(pool, config.fraud);
const mail = createNotificationActivities(pool, transport, config.mail.from);
const outbox = createOutboxActivities(pool);

beforeAll(() => migrate(pool));
afterAll(async () => {
  transport.close();
  await pool.end();
});

/** Runs a step and returns what it answered (or refused) with the number of events it wrote. */
async function written<T>(orderId: string, step: () => Promise<T>): Promise<{ answer: T; events: number }> {
  const count = async () =>
    Number(
      (
        await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox_events WHERE message_key = $1', [
          orderId,
        ])
      ).rows[0]?.n,
    );
  const before = await count();
  const answer = await step();
  return { answer, events: (await count()) - before };
}

const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => {
      if (!(err instanceof ApplicationFailure)) throw err;
      return err;
    },
  );

const authorization = (orderId: string, method = 'pm_card_visa') => ({
  orderId,
  customerId: 'cust-step-events',
  amountMinor: 2_000,
  currency: 'EUR',
  method,
});

describe('each step writes the events its entry in contracts/step-events.ts counts', () => {
  it('reserveInventory: two, reserved or short; releaseInventory: one when it gave stock back, else none; commitInventory: those it is given', async () => {
    const sku = uniqueSku('EVT');
    await seedProduct(pool, sku, 1_000, 1);
    const reservation = (orderId: string) => ({
      orderId,
      lines: [{ sku, quantity: 1 }],
      events: {
        created: stampedOrderEvent(stampOf(orderId, 1), 'order.created', {
          orderId,
          customerId: 'cust-step-events',
          totalMinor: 1_000,
          currency: 'EUR',
          lines: [{ sku, quantity: 1, unitPriceMinor: 1_000 }],
          placedAt: new Date().toISOString(),
        }),
        outcome: stampOf(orderId, 2),
      },
    });

    const reservedOrder = uniqueOrderId('evt');
    const reserved = await written(reservedOrder, () =>
      inventory.reserveInventory(reservation(reservedOrder)),
    );
    expect(reserved.answer.status).toBe('reserved');
    expect(reserved.events).toBe(eventsWrittenBy.reserveInventory());

    const shortOrder = uniqueOrderId('evt');
    const short = await written(shortOrder, () =>
      refusalOf(inventory.reserveInventory(reservation(shortOrder))),
    );
    expect(short.answer.type).toBe('InsufficientStock');
    expect(short.events).toBe(eventsWrittenBy.reserveInventory());

    const released = await written(reservedOrder, () =>
      inventory.releaseInventory(reservedOrder, stampOf(reservedOrder, 3)),
    );
    expect(released.answer.lines).toHaveLength(1);
    expect(released.events).toBe(eventsWrittenBy.releaseInventory(released.answer));
    expect(released.events).toBe(1);

    const nothingReserved = uniqueOrderId('evt');
    const marker = await written(nothingReserved, () =>
      inventory.releaseInventory(nothingReserved, stampOf(nothingReserved, 1)),
    );
    expect(marker.events).toBe(eventsWrittenBy.releaseInventory(marker.answer));
    expect(marker.events).toBe(0);

    // The release gave the one unit back: the next order reserves it and commits.
    const committedOrder = uniqueOrderId('evt');
    await inventory.reserveInventory(reservation(committedOrder));
    const confirmed = [
      stampedOrderEvent(stampOf(committedOrder, 3), 'order.confirmed', {
        orderId: committedOrder,
        customerId: 'cust-step-events',
        totalMinor: 1_000,
        currency: 'EUR',
      }),
    ];
    const committed = await written(committedOrder, () =>
      inventory.commitInventory(committedOrder, confirmed),
    );
    expect(committed.answer.status).toBe('committed');
    expect(committed.events).toBe(eventsWrittenBy.commitInventory(confirmed));
  });

  it('authorizePayment: one, authorized or declined; capturePayment: one; voidPayment: one when it undid a payment, else none', async () => {
    const paid = uniqueOrderId('evt');
    const authorized = await written(paid, () =>
      payments.authorizePayment(authorization(paid), stampOf(paid, 3)),
    );
    expect(authorized.answer.status).toBe('authorized');
    expect(authorized.events).toBe(eventsWrittenBy.authorizePayment());

    const declinedOrder = uniqueOrderId('evt');
    const declined = await written(declinedOrder, () =>
      payments.authorizePayment(
        authorization(declinedOrder, 'pm_card_chargeCustomerFail'),
        stampOf(declinedOrder, 3),
      ),
    );
    expect(declined.answer.status).toBe('declined');
    expect(declined.events).toBe(eventsWrittenBy.authorizePayment());

    const captured = await written(paid, () => payments.capturePayment(paid, stampOf(paid, 4)));
    expect(captured.answer.status).toBe('captured');
    expect(captured.events).toBe(eventsWrittenBy.capturePayment());

    const refunded = await written(paid, () => payments.voidPayment(paid, stampOf(paid, 5)));
    expect(refunded.answer.undone).toBe(true);
    expect(refunded.events).toBe(eventsWrittenBy.voidPayment(refunded.answer));

    const unpaid = uniqueOrderId('evt');
    const nothing = await written(unpaid, () => payments.voidPayment(unpaid, stampOf(unpaid, 3)));
    expect(nothing.answer.undone).toBe(false);
    expect(nothing.events).toBe(eventsWrittenBy.voidPayment(nothing.answer));
  });

  it('assessFraud, sendOrderNotification: one each; recordOrderEvents: those it is given', async () => {
    const order = pricedOrder([{ sku: uniqueSku('EVT'), quantity: 1, unitPriceMinor: 1_500 }]);
    const { orderId } = order;
    const assessed = await written(orderId, () => fraud.assessFraud(order, stampOf(orderId, 3)));
    expect(assessed.events).toBe(eventsWrittenBy.assessFraud());

    const sent = await written(orderId, () =>
      mail.sendOrderNotification({ kind: 'order_confirmed', order, sentEvent: stampOf(orderId, 4) }),
    );
    expect(sent.events).toBe(eventsWrittenBy.sendOrderNotification());

    const outcome = [
      stampedOrderEvent(stampOf(orderId, 5), 'order.rejected', {
        orderId,
        customerId: order.customerId,
        totalMinor: order.totalMinor,
        currency: order.currency,
        code: 'fraud_rejected',
        reason: 'a test outcome',
      }),
    ];
    const recorded = await written(orderId, () => outbox.recordOrderEvents(outcome));
    expect(recorded.events).toBe(eventsWrittenBy.recordOrderEvents(outcome));
  });
});
