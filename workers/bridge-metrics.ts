/**
 * The bridge worker's Prometheus endpoint: relay lag (rows pending, age of the oldest), events published,
 * and whether this process is the relay leader, plus the process's default metrics.
 */
import type { Pool } from 'pg';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../platform/logger';
import { createMetricsServer } from '../platform/metrics-server';
import type { MetricsServer } from '../platform/metrics-server';
import type { OutboxRelay } from './outbox-relay';
import { outboxLag } from './outbox-relay';

export type BridgeMetrics = MetricsServer;

export function createBridgeMetrics(
  pool: Pool,
  relay: OutboxRelay,
  port: number,
  host: string,
  logger: Logger,
): BridgeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Read when scraped: the outbox is the truth, whichever relay leads.
  let lag: Promise<{ pending: number; oldestAgeSeconds: number }> | undefined;
  const readLag = () => (lag ??= outboxLag(pool).finally(() => (lag = undefined)));
  new Gauge({
    name: 'fc_outbox_pending_rows',
    help: 'Outbox events committed but not yet acknowledged by Kafka.',
    registers: [registry],
    async collect() {
      this.set((await readLag()).pending);
    },
  });
  new Gauge({
    name: 'fc_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest unpublished outbox event (0 when none is pending).',
    registers: [registry],
    async collect() {
      this.set((await readLag()).oldestAgeSeconds);
    },
  });
  new Gauge({
    name: 'fc_outbox_relay_leader',
    help: '1 while this process is the relay that publishes, 0 while it stands by.',
    registers: [registry],
    collect() {
      this.set(relay.isLeader() ? 1 : 0);
    },
  });
  const published = new Counter({
    name: 'fc_outbox_published_events_total',
    help: 'Outbox events this process published to Kafka.',
    registers: [registry],
  });
  let reported = 0;
  return createMetricsServer(registry, { port, host }, logger, 'bridge', () => {
    published.inc(relay.published() - reported);
    reported = relay.published();
  });
}
