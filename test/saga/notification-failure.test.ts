import { WorkflowUpdateFailedError } from '@temporalio/client';
import { cancelUpdate, decideReviewUpdate, statusQuery } from '../../workflows/messages';
import { availableStock, pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { recordHistory } from '../support/histories';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';
import { expectWellFormedStream, typesOf } from './expectations';

jest.setTimeout(120_000);

let h: SagaHarness;

beforeAll(async () => {
  // Nothing listens on port 9: every delivery attempt fails with a connection error.
  h = await startSagaHarness({
    configure: (c) => ({ ...c, mail: { ...c.mail, smtpUrl: 'smtp://127.0.0.1:9' } }),
  });
});
afterAll(async () => {
  await h?.stop();
});

describe('orderSaga when the mail server is unreachable', () => {
  it('keeps the order confirmed, refuses late cancellations, and mirrors notification.failed after the retries', async () => {
    const sku = uniqueSku();
    await seedProduct(h.pool, sku, 1_000, 5);
    const order = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 1_000 }]);
    // Six attempts: three inside the workflow task (local first), then three as a regular activity (1 s and 2 s
    // apart), during which the updates below reach the running workflow.
    const handle = await h.startOrder(order, { notificationMaxAttempts: 6 });
    await h.events.waitForType(order.orderId, 'order.confirmed');
    expect((await handle.query(statusQuery)).status).toBe('confirmed');

    // The notification is still retrying: the workflow runs, and its validators explain the refusals.
    const cancel = handle.executeUpdate(cancelUpdate, {
      args: [{ reason: 'too late', requestedBy: 'customer' }],
    });
    await expect(cancel).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(cancel).rejects.toMatchObject({
      cause: { message: `order ${order.orderId} is confirmed and can no longer be cancelled` },
    });
    await expect(
      handle.executeUpdate(decideReviewUpdate, { args: [{ decision: 'reject', reviewer: 'ops' }] }),
    ).rejects.toMatchObject({
      cause: { message: `order ${order.orderId} is confirmed, not awaiting a review decision` },
    });

    expect(await handle.result()).toEqual({
      orderId: order.orderId,
      status: 'confirmed',
      notification: 'failed',
    });
    await recordHistory(handle, 'notification-failed');
    expect(await availableStock(h.pool, sku)).toBe(4);
    const events = await h.events.waitForType(order.orderId, 'notification.failed');
    expect(typesOf(events)).toEqual([
      'order.created',
      'inventory.reserved',
      'fraud.assessed',
      'order.confirmed',
      'notification.failed',
    ]);
    expect(events.at(-1)?.data).toMatchObject({ kind: 'order_confirmed', channel: 'email' });
    expectWellFormedStream(events, order.orderId);
    expect(await h.mail.to(order.contact.email)).toEqual([]);
  });
});
