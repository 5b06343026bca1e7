/** The API process: connects its clients, serves HTTP, and closes everything on shutdown. */
import type { Server } from 'node:http';
import type { AppConfig } from '../platform/config';
import { createPool } from '../platform/database';
import { createKafka } from '../platform/kafka';
import type { Service } from '../platform/lifecycle';
import type { Logger } from '../platform/logger';
import { connectClient } from '../platform/temporal';
import { createApp } from './app';
import { readinessChecks } from './readiness';

export function createApiServer(config: AppConfig, logger: Logger): Service {
  const pool = createPool(config);
  const kafka = createKafka(config, logger, 'api');
  const kafkaAdmin = kafka.admin();
  let server: Server | undefined;
  let closeTemporal: (() => Promise<void>) | undefined;

  return {
    async start() {
      const temporal = await connectClient(config);
      closeTemporal = () => temporal.connection.close();
      await kafkaAdmin.connect();
      const app = createApp({ readiness: readinessChecks({ temporal, kafkaAdmin, pool }) });
      await new Promise<void>((resolve, reject) => {
        server = app.listen(config.http.port, config.http.host, (err) => (err ? reject(err) : resolve()));
      });
      logger.info({ url: `http://${config.http.host}:${config.http.port}` }, 'API listening');
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await kafkaAdmin.disconnect();
      await closeTemporal?.();
      await pool.end();
    },
  };
}
