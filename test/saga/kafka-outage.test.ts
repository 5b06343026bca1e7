import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { decideReviewUpdate } from '../../workflows/messages';
import { pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';
import { expectWellFormedStream, typesOf } from './expectations';

jest.setTimeout(240_000);

const stack = (command: 'up' | 'down') =>
  execFileSync('bash', [path.resolve(__dirname, '../../stack', command), 'kafka'], { stdio: 'inherit' });

let h: SagaHarness;

beforeAll(async () => {
  h = await startSagaHarness();
});
afterAll(async () => {
  stack('up'); // never leave the broker down for the tests after this one
  await h?.stop();
});

describe('orderSaga while Kafka is down', () => {
  it('delays the events of transitions made during the outage and delivers them, in order, once Kafka is back', async () => {
    const sku = uniqueSku();
    await seedProduct(h.pool, sku, 60_000, 5);
    const order = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 60_000 }]);
    const handle = await h.startOrder(order);
    await h.events.waitForType(order.orderId, 'order.review_required');

    stack('down');
    // The decision is accepted by Temporal at once; the saga then waits on the bridge's publish retries.
    const decided = handle.executeUpdate(decideReviewUpdate, {
      args: [{ decision: 'approve', reviewer: 'ops' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(h.events.eventsOf(order.orderId).map((e) => e.type)).not.toContain('order.review_decided');
    stack('up');

    expect((await decided).status).toBe('confirmed');
    expect(await handle.result()).toMatchObject({ status: 'confirmed', notification: 'sent' });
    const events = await h.events.waitForType(order.orderId, 'notification.sent', 120_000);
    expect(typesOf(events)).toEqual([
      'order.created',
      'inventory.reserved',
      'fraud.assessed',
      'order.review_required',
      'order.review_decided',
      'order.confirmed',
      'notification.sent',
    ]);
    // Arrival order, not just sequence order: the saga never publishes the next event before the last landed.
    const arrival = events.map((e) => e.sequence).filter((s, i, all) => all.indexOf(s) === i);
    expect(arrival).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expectWellFormedStream(events, order.orderId);
  });
});
