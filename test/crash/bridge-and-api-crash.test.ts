/**
 * The other processes on an order's path, killed at their instant: the bridge worker after Kafka
 * acknowledged a batch and before the relay marked it published (the batch is sent again: duplicates on
 * Kafka with the same ids, nothing lost or reordered), and the API after an order's start row was written
 * (its 202 on the way) and before its saga was started (the restarted API's sweeper starts it, and a
 * retried request finds the same order).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DEV_API_KEYS } from '../../platform/config';
import type { orderSaga } from '../../workflows';
import { orderWorkflowId } from '../../workflows/messages';
import { orderBody } from '../support/api-harness';
import { dedupe } from '../support/event-collector';
import { pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { freshCommandsGroup, startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';
import { CrashLane } from './lane';

jest.setTimeout(240_000);

let h: SagaHarness;
const processes: CrashLane[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  // The order worker runs here; the bridge and the API are the processes the tests kill.
  h = await startSagaHarness({ bridgeWorker: false });
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await h?.stop();
});

async function service(entry: string, env: NodeJS.ProcessEnv): Promise<CrashLane> {
  const lane = new CrashLane(
    h.config.temporal.orderTaskQueue,
    {
      ...process.env,
      BRIDGE_TASK_QUEUE: h.config.temporal.bridgeTaskQueue,
      KAFKA_COMMANDS_GROUP_ID: await freshCommandsGroup(),
      BRIDGE_METRICS_PORT: '0',
      ...env,
    },
    entry,
  );
  processes.push(lane);
  return lane;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the bridge worker killed after Kafka acknowledged a batch', () => {
  it('sends the batch again: every event of the order on Kafka, in order, duplicates identical', async () => {
    const sku = uniqueSku('RELAY');
    await seedProduct(h.pool, sku, 1_000, 5);
    const order = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 1_000 }], {
      payment: { method: 'pm_card_visa' },
    });
    const bridge = await service('workers/bridge-worker-main.ts', {});
    await bridge.arm(`relayAcked@${order.orderId}`);
    const result = await (await h.startOrder(order)).result();
    expect(result.status).toBe('confirmed');
    expect(await bridge.crashed(60_000)).toBeUndefined();
    await bridge.arm(undefined);

    await until('every event of the order published', async () => {
      const { rows } = await h.pool.query<{ pending: string }>(
        `SELECT count(*) FILTER (WHERE published_at IS NULL) AS pending FROM outbox_events WHERE message_key = $1`,
        [order.orderId],
      );
      return rows[0]?.pending === '0';
    });
    const { rows } = await h.pool.query<{ id: string }>(
      'SELECT id FROM outbox_events WHERE message_key = $1 ORDER BY position',
      [order.orderId],
    );
    const onKafka = await h.events.waitForType(order.orderId, 'notification.sent', 60_000);
    const unique = dedupe(onKafka);
    expect(unique.map((e) => e.id)).toEqual(rows.map((r) => r.id));
    expect(unique.map((e) => e.sequence)).toEqual(rows.map((_, i) => i + 1));
    // The acknowledged batch went out twice: at least once on the wire, each copy the same event.
    expect(onKafka.length).toBeGreaterThan(unique.length);
    for (const event of onKafka) expect(unique.find((e) => e.id === event.id)).toEqual(event);
  });
});

describe("the API killed between an order's start row and its saga start", () => {
  it('starts the accepted order after a restart, once, and a retried request finds it', async () => {
    const sku = uniqueSku('START');
    await seedProduct(h.pool, sku, 1_000, 5);
    const port = await freePort();
    const api = await service('api/main.ts', {
      HTTP_PORT: String(port),
      API_KEYS: DEV_API_KEYS.join(','),
    });
    await api.arm('sagaStart@*');
    const base = `http://127.0.0.1:${port}`;
    await until(
      'the API answering',
      async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok === true,
    );
    const key = `crash-${randomUUID()}`;
    const body = JSON.stringify({
      ...orderBody([{ sku, quantity: 1 }]),
      payment: { method: 'pm_card_visa' },
    });
    const submit = () =>
      fetch(`${base}/v1/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': DEV_API_KEYS[0]!.split(':')[2]!,
          'idempotency-key': key,
        },
        body,
      });
    // The answer may or may not leave before the kill; either way the order is accepted.
    const first = await submit()
      .then(async (r) => ({ status: r.status, body: (await r.json()) as { orderId: string } }))
      .catch(() => undefined);
    if (first) expect(first.status).toBe(202);
    expect(await api.crashed(30_000)).toBeUndefined();

    await api.arm(undefined);
    await until(
      'the restarted API answering',
      async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok === true,
    );
    // The retry answers the order already accepted (200, as any repeated submission does).
    const again = await submit();
    expect(again.status).toBe(200);
    const { orderId } = (await again.json()) as { orderId: string };
    if (first) expect(first.body.orderId).toBe(orderId);

    const result = await h.client.workflow.getHandle<typeof orderSaga>(orderWorkflowId(orderId)).result();
    expect(result.status).toBe('confirmed');
    const { rows } = await h.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM reservations WHERE order_id = $1',
      [orderId],
    );
    expect(rows[0]?.n).toBe('1');
    const left = await h.pool.query('SELECT 1 FROM saga_start_outbox WHERE order_id = $1', [orderId]);
    expect(left.rowCount).toBe(0);
  });
});
