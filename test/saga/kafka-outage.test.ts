import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { decideReviewUpdate } from '../../workflows/messages';
import { outboxLag } from '../../workers/outbox-relay';
import { pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';
import { expectWellFormedStream, typesOf } from './expectations';
import { pathEvents } from '../support/path-events';

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
  it('settles orders during the outage and delivers their events, in order, once Kafka is back', async () => {
    const sku = uniqueSku();
    await seedProduct(h.pool, sku, 60_000, 10);
    const held = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 60_000 }]);
    const heldHandle = await h.startOrder(held);
    await h.events.waitForType(held.orderId, 'order.review_required');

    stack('down');
    // Orders started, decided and settled while the broker is away: nothing in the saga waits on Kafka.
    const cheap = uniqueSku();
    await seedProduct(h.pool, cheap, 1_000, 10);
    const during = [1, 2, 3].map(() => pricedOrder([{ sku: cheap, quantity: 1, unitPriceMinor: 1_000 }]));
    const handles = await Promise.all(during.map((o) => h.startOrder(o)));
    const decided = await heldHandle.executeUpdate(decideReviewUpdate, {
      args: [{ decision: 'approve', reviewer: 'ops' }],
    });
    expect(decided.status).toBe('confirmed');
    for (const handle of handles) expect((await handle.result()).status).toBe('confirmed');
    expect(await heldHandle.result()).toMatchObject({ status: 'confirmed', notification: 'sent' });

    // Their events wait in the outbox, unpublished, while the broker is down.
    const lag = await outboxLag(h.pool);
    // Five events of each order run during the outage, and the held one's decision, confirmation and mail.
    expect(lag.pending).toBeGreaterThanOrEqual(during.length * 5 + 3);
    expect(h.events.eventsOf(held.orderId).map((e) => e.type)).not.toContain('order.review_decided');
    stack('up');

    const events = await h.events.waitForType(held.orderId, 'notification.sent', 120_000);
    expect(typesOf(events)).toEqual(pathEvents.approvedInReview);
    // Arrival order, not just sequence order: the relay never publishes an order's next event first.
    const arrival = events.map((e) => e.sequence).filter((s, i, all) => all.indexOf(s) === i);
    expect(arrival).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expectWellFormedStream(events, held.orderId);
    for (const order of during) {
      const mirrored = await h.events.waitForType(order.orderId, 'notification.sent', 60_000);
      expect(typesOf(mirrored)).toEqual(pathEvents.confirmed);
      expectWellFormedStream(mirrored, order.orderId);
    }
  });
});
