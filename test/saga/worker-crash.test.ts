import type { ChildProcess } from 'node:child_process';
import { decideReviewUpdate } from '../../workflows/messages';
import { dedupe } from '../support/event-collector';
import { availableStock, pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { startOrderWorkerProcess as startWorker } from '../support/order-worker-process';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';
import { expectWellFormedStream, typesOf } from './expectations';
import { pathEvents } from '../support/path-events';

jest.setTimeout(240_000);

let h: SagaHarness;
const children: ChildProcess[] = [];

function startOrderWorkerProcess(): ChildProcess {
  const child = startWorker(h.config);
  children.push(child);
  return child;
}

beforeAll(async () => {
  // The bridge worker runs in this process; the order worker is the process the test kills.
  h = await startSagaHarness({ orderWorker: false });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await h?.stop();
});

describe('orderSaga when its worker is killed mid-saga', () => {
  it('completes every order on a restarted worker with one reservation each and no duplicate events after dedupe', async () => {
    const sku = uniqueSku();
    const heldSku = uniqueSku();
    await seedProduct(h.pool, sku, 1_000, 100);
    await seedProduct(h.pool, heldSku, 60_000, 100);
    const first = startOrderWorkerProcess();

    // Held orders are guaranteed to be mid-saga when the worker dies; the others may be anywhere.
    const held = Array.from({ length: 3 }, () =>
      pricedOrder([{ sku: heldSku, quantity: 2, unitPriceMinor: 60_000 }]),
    );
    const held2 = await Promise.all(held.map((o) => h.startOrder(o)));
    await Promise.all(held.map((o) => h.events.waitForType(o.orderId, 'order.review_required', 90_000)));
    const quick = Array.from({ length: 6 }, () => pricedOrder([{ sku, quantity: 3, unitPriceMinor: 1_000 }]));
    const quickHandles = await Promise.all(quick.map((o) => h.startOrder(o)));
    await h.events.waitForType(quick[0]!.orderId, 'order.created');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    startOrderWorkerProcess();
    await Promise.all(
      held2.map((handle) =>
        handle.executeUpdate(decideReviewUpdate, { args: [{ decision: 'approve', reviewer: 'ops' }] }),
      ),
    );
    const results = await Promise.all([...held2, ...quickHandles].map((handle) => handle.result()));
    expect(results.map((r) => r.status)).toEqual(Array(9).fill('confirmed'));

    expect(await availableStock(h.pool, sku)).toBe(100 - 6 * 3);
    expect(await availableStock(h.pool, heldSku)).toBe(100 - 3 * 2);
    const { rows } = await h.pool.query<{ order_id: string; status: string; lines: string }>(
      `SELECT r.order_id, r.status, count(l.sku) AS lines FROM reservations r JOIN reservation_lines l USING (order_id)
        WHERE r.order_id = ANY($1) GROUP BY r.order_id, r.status`,
      [[...held, ...quick].map((o) => o.orderId)],
    );
    expect(rows).toHaveLength(9);
    expect(rows.every((r) => r.status === 'committed' && r.lines === '1')).toBe(true);

    for (const order of quick) {
      const events = await h.events.waitForType(order.orderId, 'notification.sent');
      expectWellFormedStream(events, order.orderId);
      expect(typesOf(events)).toEqual(pathEvents.confirmed);
      // A redelivered event, if any, is byte-for-byte the same event: same id, same sequence, same data.
      for (const event of events) expect(dedupe(events).find((e) => e.id === event.id)).toEqual(event);
    }
    for (const order of held) {
      const events = await h.events.waitForType(order.orderId, 'notification.sent');
      expectWellFormedStream(events, order.orderId);
      expect(typesOf(events)).toContain('order.review_decided');
    }
  });
});
