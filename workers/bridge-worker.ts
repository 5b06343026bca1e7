/**
 * The Kafka bridge worker: hosts publishOrderEvent on its own task queue with one long-lived idempotent
 * producer, and consumes inbound order commands (workers/command-consumer.ts). Scales out independently
 * of the order worker; command consumers share one consumer group, so each command is handled once.
 */
import { Worker } from '@temporalio/worker';
import { createEventPublishingActivities } from '../activities/event-publishing';
import { topics } from '../contracts/topics';
import type { AppConfig } from '../platform/config';
import {
  closeLingeringSockets,
  createIdempotentProducer,
  createKafka,
  ensureTopics,
} from '../platform/kafka';
import type { Service } from '../platform/lifecycle';
import type { Logger } from '../platform/logger';
import { connectClient, connectWorker } from '../platform/temporal';
import { createCommandConsumer } from './command-consumer';

export function createBridgeWorker(config: AppConfig, logger: Logger): Service {
  const kafka = createKafka(config, logger, 'bridge');
  const producer = createIdempotentProducer(kafka);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let closeConnection: (() => Promise<void>) | undefined;
  let commands: Service | undefined;
  let closeClient: (() => Promise<void>) | undefined;

  return {
    async start() {
      await ensureTopics(kafka, config, Object.values(topics));
      await producer.connect();
      const connection = await connectWorker(config);
      closeConnection = () => connection.close();
      worker = await Worker.create({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.bridgeTaskQueue,
        activities: createEventPublishingActivities(producer),
        shutdownGraceTime: config.shutdownGraceMs,
      });
      running = worker.run();
      running.catch((err: unknown) => logger.error({ err }, 'bridge worker stopped with an error'));
      const client = await connectClient(config);
      closeClient = () => client.connection.close();
      commands = createCommandConsumer({ config, kafka, producer, temporal: client, logger });
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
      await producer.disconnect();
      closeLingeringSockets(kafka);
    },
  };
}
