/** The API process: connects its clients, migrates the schema, serves HTTP, and closes everything on shutdown. */
import type { Server } from 'node:http';
import type { AppConfig } from '../platform/config';
import { createPool, migrate } from '../platform/database';
import { createKafka } from '../platform/kafka';
import type { Service } from '../platform/lifecycle';
import type { Logger } from '../platform/logger';
import { connectClient } from '../platform/temporal';
import { createApp } from './app';
import { createOrderGateway } from './orders/order-gateway';
import { readinessChecks } from './http/readiness';
import { createSagaStartSweeper } from './orders/saga-start';
import { createSagaStartOutbox } from '../platform/saga-start-outbox';
import { createStalledOrderWatchdog } from './operator/stalled-orders/stalled-order-watchdog';
import type { StalledOrderWatchdog } from './operator/stalled-orders/stalled-order-watchdog';

/** Thrown at start-up when a production API would accept the well-known development keys. */
export class InsecureApiKeysError extends Error {
  constructor() {
    super('API_KEYS must be set in production: the built-in development keys are public');
    this.name = 'InsecureApiKeysError';
  }
}

export function createApiServer(config: AppConfig, logger: Logger): Service {
  const pool = createPool(config);
  const kafka = createKafka(config, logger, 'api');
  const kafkaAdmin = kafka.admin();
  let server: Server | undefined;
  let closeTemporal: (() => Promise<void>) | undefined;
  let sweeper: ReturnType<typeof createSagaStartSweeper> | undefined;
  let watchdog: StalledOrderWatchdog | undefined;

  return {
    async start() {
      if (config.env === 'production' && config.api.devKeys) throw new InsecureApiKeysError();
      if (config.api.devKeys)
        logger.warn('using the built-in development API keys; set API_KEYS outside local development');
      await migrate(pool, logger);
      const temporal = await connectClient(config);
      closeTemporal = () => temporal.connection.close();
      await kafkaAdmin.connect();
      watchdog = createStalledOrderWatchdog({ client: temporal, pool, config, logger });
      const app = createApp({
        config,
        logger,
        readiness: readinessChecks({ temporal, kafkaAdmin, pool }),
        pool,
        temporal,
        stalledOrders: watchdog,
      });
      await new Promise<void>((resolve, reject) => {
        server = app.listen(config.http.port, config.http.host, (err) => (err ? reject(err) : resolve()));
      });
      logger.info(
        {
          url: `http://${config.http.host}:${config.http.port}`,
          docs: `http://${config.http.host}:${config.http.port}/docs`,
        },
        'API listening',
      );
      sweeper = createSagaStartSweeper(
        createOrderGateway(temporal, pool, config, logger),
        createSagaStartOutbox(pool),
        logger,
      );
      sweeper.start();
      watchdog.start();
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await sweeper?.stop();
      await watchdog?.stop();
      await kafkaAdmin.disconnect();
      await closeTemporal?.();
      await pool.end();
    },
  };
}
