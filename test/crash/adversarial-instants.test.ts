/**
 * The instants found from outside, each reproduced as it was reported: the order worker killed while
 * the mail step holds a confirmed order's workflow task open (MailDev stopped), and killed between the
 * mail server's accept and the record of the mail (what mail promises: at least once, one Message-ID).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import type { Pool } from 'pg';
import { createPaymentClient } from '../../platform/payments';
import { cancelUpdate, orderWorkflowId } from '../../workflows/messages';
import type { orderSaga } from '../../workflows';
import { orderBody, idempotencyKey, startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { availableStock, pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { MailInbox } from '../support/mail-inbox';
import { paidPathEvents } from '../support/path-events';
import { CrashLane, laneEnvironment } from './lane';

jest.setTimeout(240_000);

const root = path.resolve(__dirname, '../..');
let h: ApiHarness;
let lane: CrashLane;
let environment: Awaited<ReturnType<typeof laneEnvironment>> | undefined;

beforeAll(async () => {
  // No order worker in this process: the one the tests kill is the only one on the API's task queue.
  h = await startApiHarness((c) => c, { orderWorker: false });
  environment = await laneEnvironment();
  lane = new CrashLane(h.config.temporal.orderTaskQueue, environment.env);
});
afterAll(async () => {
  await lane?.stop();
  await h?.stop();
  await environment?.remove();
});

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function submit(sku: string): Promise<{ orderId: string; email: string }> {
  const body = { ...orderBody([{ sku, quantity: 1 }]), payment: { method: 'pm_card_visa' } };
  const response = await request(h.app)
    .post('/v1/orders')
    .set('X-API-Key', testKeys.storefront)
    .set('Idempotency-Key', idempotencyKey())
    .send(body);
  expect(response.status).toBe(202);
  return { orderId: (response.body as { orderId: string }).orderId, email: body.contact.email };
}

async function outboxTypes(pool: Pool, orderId: string): Promise<{ sequence: number; type: string }[]> {
  const { rows } = await pool.query<{ sequence: number; type: string }>(
    `SELECT (event->>'sequence')::int AS sequence, type FROM outbox_events WHERE message_key = $1 ORDER BY position`,
    [orderId],
  );
  return rows;
}

async function rowStatus(pool: Pool, table: 'payments' | 'reservations', orderId: string) {
  const { rows } = await pool.query<{ status: string }>(`SELECT status FROM ${table} WHERE order_id = $1`, [
    orderId,
  ]);
  return rows[0]?.status;
}

async function sagaResult(orderId: string) {
  return h.saga.client.workflow.getHandle<typeof orderSaga>(orderWorkflowId(orderId)).result();
}

describe('the order worker killed at the instants found from outside', () => {
  it('keeps a captured order confirmed when the worker dies while the mail step holds its task open', async () => {
    const sku = uniqueSku('REPRO');
    await seedProduct(h.saga.pool, sku, 2_500, 5);
    await lane.arm(undefined);
    const maildev = Number((await readFile(path.join(root, '.stack/run/maildev.pid'), 'utf8')).trim());
    process.kill(maildev, 'SIGSTOP');
    let orderId: string;
    let email: string;
    try {
      ({ orderId, email } = await submit(sku));
      await until('the capture and the commit', async () => {
        const [payment, reservation] = await Promise.all([
          rowStatus(h.saga.pool, 'payments', orderId),
          rowStatus(h.saga.pool, 'reservations', orderId),
        ]);
        return payment === 'captured' && reservation === 'committed';
      });
      await lane.kill();
    } finally {
      process.kill(maildev, 'SIGCONT');
    }
    await lane.arm(undefined);

    const result = await sagaResult(orderId);
    expect(result.status).toBe('confirmed');
    const events = await outboxTypes(h.saga.pool, orderId);
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events.map((e) => e.type)).toEqual([...paidPathEvents.confirmed]);
    expect(await availableStock(h.saga.pool, sku)).toBe(4);
    expect(await rowStatus(h.saga.pool, 'reservations', orderId)).toBe('committed');
    const { rows } = await h.saga.pool.query<{ payment_intent_id: string }>(
      'SELECT payment_intent_id FROM payments WHERE order_id = $1',
      [orderId],
    );
    const stripe = createPaymentClient(h.config);
    const intent = await stripe.paymentIntents.retrieve(rows[0]!.payment_intent_id);
    expect(intent.status).toBe('succeeded');
    expect((await stripe.refunds.list({ payment_intent: intent.id })).data).toHaveLength(0);
    const mails = await new MailInbox(h.config.mail.inboxUrl ?? '').waitFor(email, 1);
    expect(mails.map((m) => m.subject)).toEqual([`Your order ${orderId} is confirmed`]);
    const answer = await request(h.app).get(`/v1/orders/${orderId}`).set('X-API-Key', testKeys.operator);
    expect((answer.body as { status: string }).status).toBe('confirmed');
  });

  it('refuses a cancellation that reached the retried task after the first run had confirmed the order', async () => {
    const sku = uniqueSku('LATE');
    await seedProduct(h.saga.pool, sku, 2_500, 5);
    const order = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 2_500 }], {
      payment: { method: 'pm_card_visa' },
    });
    await lane.arm(`commitInventory@${order.orderId}`);
    const handle = await h.saga.startOrder(order);
    expect(await lane.crashed(60_000)).toBeUndefined();
    // Sent while no worker runs: it reaches the retried task at its start, before the saga is back at the
    // point where the first run captured and committed.
    const cancelling = handle
      .executeUpdate(cancelUpdate, { args: [{ reason: 'too late', requestedBy: 'crash-test' }] })
      .then(
        () => 'applied',
        (err: unknown) =>
          err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err),
      );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await lane.arm(undefined);

    expect((await handle.result()).status).toBe('confirmed');
    expect(await cancelling).toBe(
      `order ${order.orderId} was confirmed before the cancellation could take effect`,
    );
    expect((await outboxTypes(h.saga.pool, order.orderId)).map((e) => e.type)).toEqual([
      ...paidPathEvents.confirmed,
    ]);
    expect(await availableStock(h.saga.pool, sku)).toBe(4);
    expect(await rowStatus(h.saga.pool, 'payments', order.orderId)).toBe('captured');
  });

  it('sends the mail again with the same Message-ID when the worker dies between the accept and its record', async () => {
    const sku = uniqueSku('MAIL');
    await seedProduct(h.saga.pool, sku, 2_500, 5);
    // The order id is the API's: arm after the 202, before the saga reaches the mail step (it waits for
    // the worker, which is started armed only then).
    await lane.stop();
    const { orderId, email } = await submit(sku);
    await lane.arm(`mailAccepted@${orderId}`);
    expect(await lane.crashed(60_000)).toBeUndefined();
    await lane.arm(undefined);

    expect((await sagaResult(orderId)).status).toBe('confirmed');
    const mails = await new MailInbox(h.config.mail.inboxUrl ?? '').waitFor(email, 2);
    expect(mails).toHaveLength(2);
    expect(new Set(mails.map((m) => m.messageId ?? m.headers?.['message-id']))).toEqual(
      new Set([`<${orderId}.order_confirmed@fusioncommerce.local>`]),
    );
    const sent = (await outboxTypes(h.saga.pool, orderId)).filter((e) => e.type === 'notification.sent');
    expect(sent).toHaveLength(1);
  });
});
