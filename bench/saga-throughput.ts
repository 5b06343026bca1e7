/**
 * Saga throughput and latency on the real local stack: starts ORDERS sagas (default 100) with in-process
 * order and bridge workers on their own task queues, and prints orders/s, end-to-end latency percentiles
 * (start → result) and the event lag (event time → read back from Kafka). Run: `npm run bench`.
 */
import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { topics } from '../contracts/topics';
import { orderSummary } from '../contracts/order';
import type { PricedOrder } from '../contracts/order';
import { loadConfig } from '../platform/config';
import { createPool, migrate } from '../platform/database';
import { createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { connectClient } from '../platform/temporal';
import { installTemporalLogging } from '../platform/temporal-logging';
import { createBridgeWorker } from '../workers/bridge-worker';
import { createOrderWorker } from '../workers/order-worker';
import { orderWorkflowId } from '../workflows/messages';

const ORDERS = Number(process.argv[2] ?? 100);
const suffix = randomUUID().slice(0, 8);
const base = loadConfig({ ...process.env, LOG_LEVEL: 'error' });
const config = {
  ...base,
  temporal: {
    ...base.temporal,
    orderTaskQueue: `orders-bench-${suffix}`,
    bridgeTaskQueue: `events-bench-${suffix}`,
  },
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(s, 0.5).toFixed(0)} ms, p95 ${percentile(s, 0.95).toFixed(0)} ms, max ${(s.at(-1) ?? NaN).toFixed(0)} ms`;
};

async function main(): Promise<void> {
  const logger = createLogger(config, 'bench');
  installTemporalLogging(logger);
  const pool = createPool(config);
  await migrate(pool);
  const sku = `BENCH-${suffix.toUpperCase()}`;
  await pool.query(
    `INSERT INTO products (sku, name, price_minor, currency) VALUES ($1, 'Bench item', 1000, 'EUR')`,
    [sku],
  );
  await pool.query('INSERT INTO stock (sku, available) VALUES ($1, $2)', [sku, ORDERS]);

  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  const workers = [createOrderWorker(config, logger, { workflowBundle }), createBridgeWorker(config, logger)];
  await Promise.all(workers.map((w) => w.start()));
  const client = await connectClient(config);

  const kafka = createKafka(config, logger, 'bench');
  const consumer = kafka.consumer({ groupId: `bench-${suffix}` });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topics.orderEvents);
  await admin.disconnect();
  const lags: number[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: topics.orderEvents });
  await consumer.run({
    eachMessage: ({ message }) => {
      const event = JSON.parse(message.value?.toString() ?? '{}') as { subject?: string; time?: string };
      if (event.subject?.startsWith(`bench-${suffix}`) && event.time)
        lags.push(Date.now() - Date.parse(event.time));
      return Promise.resolve();
    },
  });
  for (const { partition, offset } of offsets)
    consumer.seek({ topic: topics.orderEvents, partition, offset });

  const orders: PricedOrder[] = Array.from({ length: ORDERS }, (_, i) => ({
    orderId: `bench-${suffix}-${i}`,
    customerId: `bench-customer-${i}`,
    lines: [{ sku, name: 'Bench item', quantity: 1, unitPriceMinor: 1000, lineTotalMinor: 1000 }],
    currency: 'EUR',
    totalMinor: 1000,
    shippingAddress: {
      name: 'Bench',
      line1: '1 Bench St',
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
    },
    contact: { email: `bench-${i}@example.com` },
    placedAt: new Date().toISOString(),
  }));

  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  const latencies = await Promise.all(
    orders.map(async (order) => {
      const t0 = Date.now();
      const handle = await client.workflow.start('orderSaga', {
        taskQueue: config.temporal.orderTaskQueue,
        workflowId: orderWorkflowId(order.orderId),
        args: [{ order, options: { eventsTaskQueue: config.temporal.bridgeTaskQueue } }],
        staticSummary: orderSummary(order),
      });
      await handle.result();
      return Date.now() - t0;
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const expectedEvents = ORDERS * 5;
  const deadline = Date.now() + 30_000;
  while (lags.length < expectedEvents && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

  console.log(`orders:            ${ORDERS} (one SKU, all approved, 5 events each)`);
  console.log(
    `wall time:         ${elapsed.toFixed(1)} s → ${(ORDERS / elapsed).toFixed(1)} orders/s, ${(expectedEvents / elapsed).toFixed(0)} events/s`,
  );
  console.log(`saga latency:      ${summary(latencies)}`);
  console.log(`event lag:         ${summary(lags)} (${lags.length}/${expectedEvents} events read back)`);
  console.log(
    `worker RSS growth: ${((process.memoryUsage().rss - rssBefore) / 1024 / 1024).toFixed(0)} MiB (RSS now ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB)`,
  );

  await consumer.disconnect();
  await Promise.all(workers.map((w) => w.stop()));
  await client.connection.close();
  await pool.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
