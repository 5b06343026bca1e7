/** A process's Prometheus endpoint: `GET /metrics` of one registry, on a port of its own. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Service } from './lifecycle';
import type { Logger } from './logger';

export interface MetricsServer extends Service {
  /** The port it listens on (useful when configured as 0). */
  port(): number;
}

export function createMetricsServer(
  registry: Registry,
  address: { port: number; host: string },
  logger: Logger,
  name: string,
  /** Brings counters kept elsewhere up to date just before a scrape. */
  beforeScrape: () => void = () => undefined,
): MetricsServer {
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    beforeScrape();
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
        server.listen(address.port, address.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      logger.info(
        { url: `http://${address.host}:${(server.address() as AddressInfo).port}/metrics` },
        `${name} metrics`,
      );
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    port: () => (server.address() as AddressInfo | null)?.port ?? address.port,
  };
}
