/**
 * The Kafka bridge worker: relays the event outbox to Kafka (workers/outbox-relay.ts), exports the relay's
 * lag as metrics, consumes inbound order commands (workers/command-consumer.ts), and hosts the legacy
 * publishOrderEvent activity for sagas started before the outbox. Run several: one relay leads, the
 * others stand by; command consumers share one consumer group, so each command is handled once.
 */
import { Worker } from '@temporalio/worker';
import { createEventPublishingActivities } from '../activities/event-publishing';
import { topics } from '../contracts/topics';
import type { AppConfig } from '../platform/config';
import { createPool } from '../platform/database';
import {
  closeLingeringSockets,
  createIdempotentProducer,
  createKafka,
  ensureTopics,
} from '../platform/kafka';
import type { Service } from '../platform/lifecycle';
import type { Logger } from '../platform/logger';
import { createOrderCommandLog } from '../platform/order-command-log';
import { connectClient, connectWorker } from '../platform/temporal';
import { createBridgeMetrics } from './bridge-metrics';
import type { BridgeMetrics } from './bridge-metrics';
import { createCommandConsumer } from './command-consumer';
import { createSagaStartOutbox } from '../platform/saga-start-outbox';
import { createOutboxRelay } from './outbox-relay';
import type { OutboxRelay } from './outbox-relay';

export interface BridgeWorker extends Service {
  relay: OutboxRelay;
  metrics: BridgeMetrics;
}

export function createBridgeWorker(config: AppConfig, logger: Logger): BridgeWorker {
  const kafka = createKafka(config, logger, 'bridge');
  const producer = createIdempotentProducer(kafka);
  const pool = createPool(config);
  // The relay has a producer of its own: it replaces it when a broker forgets its session.
  const relay = createOutboxRelay({ config, kafka, logger });
  const metrics = createBridgeMetrics(pool, relay, config.outbox.metricsPort, config.http.host, logger);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let closeConnection: (() => Promise<void>) | undefined;
  let commands: Service | undefined;
  let closeClient: (() => Promise<void>) | undefined;

  return {
    relay,
    metrics,
    async start() {
      await ensureTopics(kafka, config, Object.values(topics));
      await producer.connect();
      await metrics.start();
      await relay.start();
      const connection = await connectWorker(config);
      closeConnection = () => connection.close();
      worker = await Worker.create({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.bridgeTaskQueue,
        activities: createEventPublishingActivities(pool),
        shutdownGraceTime: config.shutdownGraceMs,
      });
      running = worker.run();
      running.catch((err: unknown) => logger.error({ err }, 'bridge worker stopped with an error'));
      const client = await connectClient(config);
      closeClient = () => client.connection.close();
      commands = createCommandConsumer({
        config,
        kafka,
        producer,
        temporal: client,
        logger,
        commandLog: createOrderCommandLog(pool, logger),
        startOutbox: createSagaStartOutbox(pool),
      });
      await commands.start();
      logger.info(
        { taskQueue: config.temporal.bridgeTaskQueue, topic: topics.orderEvents },
        'bridge worker running',
      );
    },
    async stop() {
      worker?.shutdown();
      // The command consumer stops before the producer and the client it uses for dead letters and updates.
      await commands?.stop();
      await closeClient?.();
      await running?.catch(() => undefined);
      await closeConnection?.();
      await relay.stop();
      await metrics.stop();
      await producer.disconnect();
      closeLingeringSockets(kafka);
      await pool.end();
    },
  };
}
