import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { Producer } from 'kafkajs';
import request from 'supertest';
import { createApp } from '../../api/app';
import { readinessChecks } from '../../api/http/readiness';
import type { AppConfig } from '../../platform/config';
import { createIdempotentProducer } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { freshCommandsGroup, startSagaHarness } from './saga-harness';
export { freshCommandsGroup };
import type { HarnessOptions, SagaHarness } from './saga-harness';

/** Secrets of the keys the test API accepts (never the development defaults). */
export const testKeys = {
  storefront: 'test-storefront-secret-0001',
  otherStorefront: 'test-other-storefront-secret-0002',
  operator: 'test-operator-secret-0003',
} as const;

// The limit is counted in the database, so every test file's app spends the same keys' budgets within a
// minute; tests that check the limit set their own, with keys of their own.
const TEST_RATE_LIMIT_PER_MINUTE = 1_000_000;

export function withTestKeys(config: AppConfig): AppConfig {
  return {
    ...config,
    api: {
      ...config.api,
      rateLimitPerMinute: TEST_RATE_LIMIT_PER_MINUTE,
      devKeys: false,
      keys: [
        { name: 'shop', role: 'storefront', secret: testKeys.storefront },
        { name: 'other-shop', role: 'storefront', secret: testKeys.otherStorefront },
        { name: 'ops', role: 'operator', secret: testKeys.operator },
      ],
    },
  };
}

export interface ApiHarness {
  saga: SagaHarness;
  config: AppConfig;
  app: Express;
  /** supertest bound to the in-process app. */
  http: () => ReturnType<typeof request>;
  producer: Producer;
  stop(): Promise<void>;
}

/**
 * The real saga harness (in-process workers on this file's task queues, real Temporal, Kafka, PostgreSQL)
 * plus the API app created in-process against it, with test keys.
 */
export async function startApiHarness(
  configure: (config: AppConfig) => AppConfig = (c) => c,
  options: Omit<HarnessOptions, 'configure'> = {},
): Promise<ApiHarness> {
  const saga = await startSagaHarness({ ...options, configure: (c) => configure(withTestKeys(c)) });
  const config = saga.config;
  const producer = createIdempotentProducer(saga.kafka);
  await producer.connect();
  const kafkaAdmin = saga.kafka.admin();
  await kafkaAdmin.connect();
  const app = createApp({
    config,
    logger: createLogger(config, 'test-api'),
    readiness: readinessChecks({ temporal: saga.client, kafkaAdmin, pool: saga.pool }),
    pool: saga.pool,
    temporal: saga.client,
  });
  return {
    saga,
    config,
    app,
    http: () => request(app),
    producer,
    async stop() {
      await kafkaAdmin.disconnect();
      await producer.disconnect();
      await saga.stop();
    },
  };
}

/** A valid order body for `lines`, with a fresh customer (so the fraud velocity rule stays quiet). */
export function orderBody(
  lines: { sku: string; quantity: number }[],
  customerId = `cust-${randomUUID().slice(0, 8)}`,
) {
  return {
    customerId,
    lines,
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: '12 Analytical Row',
      city: 'London',
      postalCode: 'N1 9GU',
      country: 'GB',
    },
    contact: { email: `buyer-${randomUUID().slice(0, 8)}@example.com` },
  };
}

export const idempotencyKey = () => `key-${randomUUID()}`;
