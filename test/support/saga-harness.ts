import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { workflowBundle } from './workflow-bundle';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { OrderSagaOptions } from '../../contracts/order-messages';
import type { PricedOrder } from '../../contracts/order';
import { orderSummary } from '../../contracts/order';
import { loadConfig } from '../../platform/config';
import type { AppConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { closeLingeringSockets, createKafka, ensureTopics } from '../../platform/kafka';
import { topics } from '../../contracts/topics';
import type { Admin } from 'kafkajs';
import type { Service } from '../../platform/lifecycle';
import { createLogger } from '../../platform/logger';
import { connectClient } from '../../platform/temporal';
import { installTemporalLogging } from '../../platform/temporal-logging';
import { createBridgeWorker } from '../../workers/bridge-worker';
import { createOrderWorker } from '../../workers/order-worker';
import type { orderSaga } from '../../workflows';
import { orderWorkflowId } from '../../workflows/messages';
import { CustomerIdKey, OrderStatusKey, OrderTotalKey } from '../../workflows/search-attributes';
import { EventCollector } from './event-collector';
import { MailInbox } from './mail-inbox';

/**
 * Creates a consumer group for the order commands positioned at the topic's current end, so the command
 * consumer of this test file sees exactly the commands the file sends (none from earlier runs).
 */
export async function freshCommandsGroup(): Promise<string> {
  const config = loadConfig();
  const kafka = createKafka(config, createLogger(config, 'test'), 'test-setup');
  await ensureTopics(kafka, config, Object.values(topics));
  const groupId = `test-commands-${randomUUID()}`;
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topics.orderCommands);
    await admin.setOffsets({
      groupId,
      topic: topics.orderCommands,
      partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })),
    });
  } finally {
    await admin.disconnect();
  }
  return groupId;
}

export { workflowBundle } from './workflow-bundle';

export interface SagaHarness {
  config: AppConfig;
  pool: Pool;
  client: Client;
  kafka: Kafka;
  events: EventCollector;
  mail: MailInbox;
  startOrder(order: PricedOrder, options?: OrderSagaOptions): Promise<WorkflowHandle<typeof orderSaga>>;
  /** Stops the in-process workers (to hand the task queue to another worker). */
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Adjust the configuration the in-process workers run with (e.g. fraud thresholds, SMTP). */
  configure?: (config: AppConfig) => AppConfig;
  /** Run no order worker in this process (a test runs it as a separate process). */
  orderWorker?: boolean;
  /** Run no bridge worker (outbox relay, command consumer) in this process, for the same reason. */
  bridgeWorker?: boolean;
}

/** Real Temporal, Kafka, PostgreSQL and MailDev; workers on task queues of this test file alone. */
export async function startSagaHarness(options: HarnessOptions = {}): Promise<SagaHarness> {
  const base = loadConfig();
  const suffix = randomUUID().slice(0, 8);
  const withQueues: AppConfig = {
    ...base,
    // Each harness's command consumer reads only commands sent after it started.
    kafka: { ...base.kafka, commandsGroupId: await freshCommandsGroup() },
    // Several bridges may run at once (test files, a running `npm start`): each takes a free port.
    outbox: { ...base.outbox, metricsPort: 0 },
    temporal: {
      ...base.temporal,
      orderTaskQueue: `orders-test-${suffix}`,
      bridgeTaskQueue: `order-events-test-${suffix}`,
      orderWorkerMetricsPort: 0,
    },
  };
  const config = options.configure ? options.configure(withQueues) : withQueues;
  const logger = createLogger(config, 'test');
  installTemporalLogging(logger);
  const pool = createPool(config);
  await migrate(pool);
  const client = await connectClient(config);
  const kafka = createKafka(config, logger, 'test');
  const events = new EventCollector(kafka);
  const workers: Service[] = options.bridgeWorker === false ? [] : [createBridgeWorker(config, logger)];
  if (options.orderWorker !== false) {
    workers.push(createOrderWorker(config, logger, { workflowBundle: await workflowBundle() }));
  }
  await Promise.all([events.start(), ...workers.map((w) => w.start())]);
  const mail = new MailInbox(config.mail.inboxUrl ?? 'http://127.0.0.1:1080');
  let workersStopped = false;
  const stopWorkers = async () => {
    if (workersStopped) return;
    workersStopped = true;
    await Promise.all(workers.map((w) => w.stop()));
  };

  return {
    config,
    pool,
    client,
    kafka,
    events,
    mail,
    startOrder: (order, sagaOptions = {}) =>
      client.workflow.start<typeof orderSaga>('orderSaga', {
        taskQueue: config.temporal.orderTaskQueue,
        workflowId: orderWorkflowId(order.orderId),
        args: [{ order, options: sagaOptions }],
        staticSummary: orderSummary(order),
        typedSearchAttributes: [
          { key: OrderStatusKey, value: 'received' },
          { key: CustomerIdKey, value: order.customerId },
          { key: OrderTotalKey, value: order.totalMinor / 100 },
        ],
      }),
    stopWorkers,
    async stop() {
      await stopWorkers();
      await events.stop();
      closeLingeringSockets(kafka);
      await client.connection.close();
      await pool.end();
    },
  };
}
