/**
 * The stalled-order watchdog against the real servers. An order whose saga no worker runs stalls; an order
 * held for review, as old, does not. Two apps, each with its own watchdog, stand for two API processes.
 * The file runs in a Temporal namespace of its own (created by stack/up): with a bound of seconds, its
 * watchdogs would otherwise find, and raise alerts for, any other test's order that pauses.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createStalledOrderWatchdog } from '../../api/operator/stalled-orders/stalled-order-watchdog';
import type { StalledOrderWatchdog } from '../../api/operator/stalled-orders/stalled-order-watchdog';
import type { StalledOrders } from '../../contracts/http-operations';
import type { OrderTimeline } from '../../contracts/http-timeline';
import { OrderStalled, orderStalledEventId } from '../../contracts/order-alerts';
import type { PricedOrder } from '../../contracts/order';
import { orderSummary } from '../../contracts/order';
import { topics } from '../../contracts/topics';
import { createLogger } from '../../platform/logger';
import type { orderSaga } from '../../workflows';
import { cancelUpdate, orderWorkflowId } from '../../workflows/messages';
import { CustomerIdKey, OrderStatusKey, OrderTotalKey } from '../../workflows/search-attributes';
import { startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { TopicCollector } from '../support/topic-collector';

jest.setTimeout(120_000);

const STALLED_AFTER_MS = 3_000;
const NAMESPACE = 'stalled-orders';

interface ApiProcess {
  app: Express;
  watchdog: StalledOrderWatchdog;
}

let api: ApiHarness;
let processes: ApiProcess[];
let alerts: TopicCollector;
let stuck: WorkflowHandle<typeof orderSaga>;
let held: WorkflowHandle<typeof orderSaga>;
let stuckOrder: PricedOrder;
let heldOrder: PricedOrder;

/** An API process of its own: the app and the watchdog that feeds its /metrics (checked by hand here). */
function apiProcess(name: string): ApiProcess {
  const logger = createLogger(api.config, name);
  const watchdog = createStalledOrderWatchdog({
    client: api.saga.client,
    pool: api.saga.pool,
    config: api.config,
    logger,
  });
  const app = createApp({
    config: api.config,
    logger,
    readiness: {},
    pool: api.saga.pool,
    temporal: api.saga.client,
    stalledOrders: watchdog,
  });
  return { app, watchdog };
}

/** Starts the saga on a task queue no worker polls: it never takes a step, as with every order worker gone. */
function startUnattendedOrder(order: PricedOrder) {
  return api.saga.client.workflow.start<typeof orderSaga>('orderSaga', {
    taskQueue: `nobody-polls-${randomUUID()}`,
    workflowId: orderWorkflowId(order.orderId),
    args: [{ order, options: {} }],
    staticSummary: orderSummary(order),
    typedSearchAttributes: [
      { key: OrderStatusKey, value: 'received' },
      { key: CustomerIdKey, value: order.customerId },
      { key: OrderTotalKey, value: order.totalMinor / 100 },
    ],
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const listedIds = (orders: readonly { orderId: string }[]) => orders.map((order) => order.orderId);
const alertsFor = (orderId: string) => alerts.all().filter((message) => message.key === orderId);

beforeAll(async () => {
  api = await startApiHarness((config) => ({
    ...config,
    temporal: { ...config.temporal, namespace: NAMESPACE },
    saga: { ...config.saga, stalledAfterMs: STALLED_AFTER_MS },
  }));
  // A run stopped before its afterAll left its sagas running; they would be counted with this run's.
  for await (const leftover of api.saga.client.workflow.list({
    query: `WorkflowType = 'orderSaga' AND ExecutionStatus = 'Running'`,
  })) {
    await api.saga.client.workflow.getHandle(leftover.workflowId).terminate('left by an earlier run');
  }
  alerts = new TopicCollector(api.saga.kafka, topics.orderAlerts);
  await alerts.start();
  processes = [apiProcess('api-1'), apiProcess('api-2')];

  const sku = uniqueSku('STALL');
  await seedProduct(api.saga.pool, sku, 60_000, 5);
  stuckOrder = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 1_000 }]);
  // A first order of 600.00 EUR is held for review (high amount + new customer).
  heldOrder = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 60_000 }]);
  [stuck, held] = await Promise.all([startUnattendedOrder(stuckOrder), api.saga.startOrder(heldOrder)]);
  await until('the held order showing awaiting_review in visibility', async () => {
    const { count } = await api.saga.client.workflow.count(
      `WorkflowId = '${held.workflowId}' AND OrderStatus = 'awaiting_review'`,
    );
    return count === 1 ? true : undefined;
  });
  // Both orders are older than the bound once the watchdog lists the unattended one.
  await until('the unattended order listed as stalled', async () => {
    const check = await processes[0]!.watchdog.check();
    return listedIds(check.orders).includes(stuckOrder.orderId) ? check : undefined;
  });
});

afterAll(async () => {
  // Neither saga would end on its own: one has no worker, the other waits a day for its review. The held
  // one is cancelled as a customer would, so no review stays open in the analytics' queue.
  await Promise.all([
    stuck?.terminate('stalled-order test done').catch(() => undefined),
    held
      ?.executeUpdate(cancelUpdate, { args: [{ reason: 'stalled-order test done', requestedBy: 'test' }] })
      .catch(() => held.terminate('stalled-order test done')),
  ]);
  await alerts?.stop();
  await api?.stop();
});

describe('the stalled-order watchdog', () => {
  it('lists an order that has not moved for longer than the bound, and leaves a held order as old aside', async () => {
    const check = await processes[0]!.watchdog.check();
    const heldStartedAt = (await held.describe()).startTime;
    expect(check.checkedAt.getTime() - heldStartedAt.getTime()).toBeGreaterThan(STALLED_AFTER_MS);
    expect(listedIds(check.orders)).toEqual([stuckOrder.orderId]);
    expect(check.total).toBe(1);
    const [found] = check.orders;
    expect(found).toMatchObject({ status: 'received', workflowId: stuck.workflowId });
    expect(found?.stalledSince).toEqual(found?.startedAt);
  });

  it('answers the list on GET /v1/operations/stalled-orders to operators, with links to each order', async () => {
    const res = await request(processes[0]!.app)
      .get('/v1/operations/stalled-orders')
      .set('X-API-Key', testKeys.operator);
    expect(res.status).toBe(200);
    const body = res.body as StalledOrders;
    expect(body.stalledAfterSeconds).toBe(STALLED_AFTER_MS / 1000);
    expect(listedIds(body.orders)).toEqual([stuckOrder.orderId]);
    expect(body.total).toBe(1);
    const { runId } = await stuck.describe();
    const listed = body.orders.find((order) => order.orderId === stuckOrder.orderId);
    expect(listed).toMatchObject({
      status: 'received',
      links: {
        order: `/v1/orders/${stuckOrder.orderId}`,
        timeline: `/v1/orders/${stuckOrder.orderId}/timeline`,
        temporalUi: expect.stringContaining(`/workflows/${stuck.workflowId}/${runId}/history`) as string,
      },
    });
    expect(listed?.ageSeconds).toBeGreaterThan(STALLED_AFTER_MS / 1000);

    const storefront = await request(processes[0]!.app)
      .get('/v1/operations/stalled-orders')
      .set('X-API-Key', testKeys.storefront);
    expect(storefront.status).toBe(403);
  });

  it("counts them on /metrics as of the process's last check", async () => {
    const check = await processes[1]!.watchdog.check();
    const res = await request(processes[1]!.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE fc_orders_stalled gauge');
    expect(res.text).toMatch(/^fc_orders_stalled 1$/m);
    expect(res.text).toMatch(
      new RegExp(`^fc_orders_stalled_checked_timestamp_seconds ${check.checkedAt.getTime() / 1000}$`, 'm'),
    );
  });

  it('raises order.stalled once on the alerts topic, however often and from however many processes it checks', async () => {
    const startedAt = (await stuck.describe()).startTime.toISOString();
    const alertId = orderStalledEventId(stuckOrder.orderId, startedAt);
    await Promise.all(processes.map((p) => p.watchdog.check()));
    const message = await alerts.waitFor((m) => m.key === stuckOrder.orderId, 'the order.stalled alert');
    const alert = OrderStalled.parse(JSON.parse(message.value));
    expect(alert).toMatchObject({
      id: alertId,
      type: 'order.stalled',
      subject: stuckOrder.orderId,
      data: { orderId: stuckOrder.orderId, startedAt, stalledSince: startedAt },
    });
    expect(JSON.parse(message.value)).not.toHaveProperty('sequence');
    expect(message.headers).not.toHaveProperty('ce_sequence');

    // Published once; checks after that write nothing the relay could send again.
    const published = await until('the alert marked published in the outbox', async () => {
      const { rows } = await api.saga.pool.query<{ kafka_topic: string | null; published: boolean }>(
        'SELECT kafka_topic, published_at IS NOT NULL AS published FROM outbox_events WHERE id = $1',
        [alertId],
      );
      return rows.length === 1 && rows[0]?.published ? rows : undefined;
    });
    expect(published).toEqual([{ kafka_topic: topics.orderAlerts, published: true }]);
    await Promise.all([...processes, ...processes].map((p) => p.watchdog.check()));
    // Long enough for the relay (woken by each insert attempt, polling every interval) to have sent a copy.
    await new Promise((resolve) => setTimeout(resolve, 2 * api.config.outbox.pollIntervalMs + 500));
    expect(alertsFor(stuckOrder.orderId).map((m) => m.headers.ce_id)).toEqual([alertId]);
    expect(alertsFor(heldOrder.orderId)).toEqual([]);
  });

  it("shows the alert on the order's timeline and leaves it out of the order's numbered events", async () => {
    const read = await request(processes[0]!.app)
      .get(`/v1/orders/${stuckOrder.orderId}`)
      .set('X-API-Key', testKeys.operator);
    // No worker answers the status query, so the order is rebuilt from its events: the alert is not one.
    expect([read.status, read.headers['order-view']]).toEqual([200, 'event-log']);
    expect(read.body).toMatchObject({ orderId: stuckOrder.orderId, status: 'received', eventsPublished: 0 });

    const timeline = await request(processes[0]!.app)
      .get(`/v1/orders/${stuckOrder.orderId}/timeline`)
      .set('X-API-Key', testKeys.operator);
    expect(timeline.status).toBe(200);
    const events = (timeline.body as OrderTimeline).entries.filter((entry) => entry.source === 'event');
    expect(events).toMatchObject([
      { title: 'order.stalled', details: { type: 'order.stalled', kafka: { topic: topics.orderAlerts } } },
    ]);
  });
});
