/**
 * The API's catalog routes with what product.created needs to reach Kafka: a relay, as a bridge worker
 * runs one (whichever relay holds the outbox lock publishes), and a collector on the catalog topic.
 */
import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createApp } from '../../api/app';
import { topics } from '../../contracts/topics';
import type { AppConfig } from '../../platform/config';
import { loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { closeLingeringSockets, createKafka, ensureTopics } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { connectClient } from '../../platform/temporal';
import { createOutboxRelay } from '../../workers/outbox-relay';
import { withTestKeys } from './api-harness';
import { TopicCollector } from './topic-collector';

export interface CatalogHarness {
  config: AppConfig;
  kafka: Kafka;
  pool: Pool;
  temporal: Client;
  catalogEvents: TopicCollector;
  app: ReturnType<typeof createApp>;
  stop(): Promise<void>;
}

export async function startCatalogHarness(name: string): Promise<CatalogHarness> {
  const config = withTestKeys(loadConfig());
  const logger = createLogger({ log: { level: 'warn', format: 'json' } }, name);
  const kafka = createKafka(config, logger, name);
  const pool = createPool(config);
  await migrate(pool);
  const temporal = await connectClient(config);
  await ensureTopics(kafka, config, [topics.catalogEvents]);
  const relay = createOutboxRelay({ config, kafka, logger });
  const catalogEvents = new TopicCollector(kafka, topics.catalogEvents);
  await Promise.all([relay.start(), catalogEvents.start()]);
  const app = createApp({ config, logger, readiness: {}, pool, temporal });
  return {
    config,
    kafka,
    pool,
    temporal,
    catalogEvents,
    app,
    async stop() {
      await catalogEvents.stop();
      await relay.stop();
      closeLingeringSockets(kafka);
      await temporal.connection.close();
      await pool.end();
    },
  };
}
