/**
 * The bridge worker's Prometheus endpoint: relay lag (rows pending, age of the oldest), events published,
 * and whether this process is the relay leader, plus the process's default metrics.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Service } from '../platform/lifecycle';
import type { Logger } from '../platform/logger';
import type { OutboxRelay } from './outbox-relay';
import { outboxLag } from './outbox-relay';

export interface BridgeMetrics extends Service {
  /** The port it listens on (useful when configured as 0). */
  port(): number;
}

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
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    published.inc(relay.published() - reported);
    reported = relay.published();
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        logger.warn({ err }, 'metrics could not be read');
        res.writeHead(503).end();
      },
    );
  });

  return {
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      logger.info(
        { url: `http://${host}:${(server.address() as AddressInfo).port}/metrics` },
        'bridge metrics',
      );
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    port: () => (server.address() as AddressInfo | null)?.port ?? port,
  };
}
