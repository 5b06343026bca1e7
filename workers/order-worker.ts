/**
 * The order worker: hosts orderSaga and its steps (inventory, fraud, notification, event recording) on
 * the order task queue. Run as many as needed; they share nothing but Temporal and the database.
 */
import { Worker } from '@temporalio/worker';
import type { WorkerOptions } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createFraudActivities } from '../activities/fraud';
import { createInventoryActivities } from '../activities/inventory';
import { createNotificationActivities } from '../activities/notification';
import { createOrderIntakeActivities } from '../activities/order-intake';
import { createOutboxActivities } from '../activities/outbox';
import { createPaymentActivities } from '../activities/payment';
import { createSagaProgressActivities } from '../activities/saga-progress';
import type { AppConfig } from '../platform/config';
import { createPool, migrate } from '../platform/database';
import { createPaymentClient } from '../platform/payments';
import type { Service } from '../platform/lifecycle';
import { crashPoints } from '../platform/crash-points';
import { createMetricsServer } from '../platform/metrics-server';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { divergenceRegistry } from '../platform/divergence';
import { crashPointInterceptor, stepAttemptMetrics } from './step-interceptors';
import { buildWorkflowBundle, prebuiltBundle } from './workflow-bundle';
import type { BuiltBundle } from './workflow-bundle';
import type { Logger } from '../platform/logger';
import { connectWorker } from '../platform/temporal';

export interface OrderWorkerOptions {
  /** A prebuilt workflow bundle (tests build it once); by default the worker bundles workflows/. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createOrderWorker(
  config: AppConfig,
  logger: Logger,
  options: OrderWorkerOptions = {},
): Service {
  const pool = createPool(config);
  // Pooled: one SMTP session carries many mails instead of a connect and handshake per mail.
  const transport = nodemailer.createTransport({ url: config.mail.smtpUrl, pool: true, maxConnections: 4 });
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let closeConnection: (() => Promise<void>) | undefined;
  let bundle: BuiltBundle | undefined;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createMetricsServer(
    // With the refused divergent writes, which platform/divergence.ts counts for the whole process.
    Registry.merge([registry, divergenceRegistry]),
    { port: config.temporal.orderWorkerMetricsPort, host: config.http.host },
    logger,
    'order worker',
  );
  const points = crashPoints(config.crashPoints);
  if (points.armed) logger.warn({ crashPoints: config.crashPoints }, 'crash points armed (crash tests only)');
  const stepInterceptors = [
    stepAttemptMetrics(registry),
    ...(points.armed ? [crashPointInterceptor(points)] : []),
  ];

  return {
    async start() {
      // A missing prebuilt bundle is named before anything else happens.
      let workflowBundle = options.workflowBundle;
      if (!workflowBundle && config.temporal.workflowBundle) {
        workflowBundle = { codePath: await prebuiltBundle(config.temporal.workflowBundle) };
        logger.info({ codePath: workflowBundle.codePath }, 'order worker loads the prebuilt workflow bundle');
      }
      await migrate(pool, logger);
      workflowBundle ??= { codePath: (bundle = await buildWorkflowBundle()).codePath };
      const connection = await connectWorker(config);
      closeConnection = () => connection.close();
      worker = await Worker.create({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.orderTaskQueue,
        workflowBundle,
        activities: {
          ...createInventoryActivities(pool),
          ...createFraudActivities(pool, config.fraud),
          ...createNotificationActivities(pool, transport, config.mail.from, points),
          ...createOutboxActivities(pool),
          ...createSagaProgressActivities(pool),
          ...createOrderIntakeActivities(),
          ...createPaymentActivities(pool, createPaymentClient(config)),
        },
        interceptors: { activity: stepInterceptors },
        maxCachedWorkflows: config.temporal.cachedWorkflows,
        shutdownGraceTime: config.shutdownGraceMs,
      });
      await metrics.start();
      running = worker.run();
      running.catch((err: unknown) => logger.error({ err }, 'order worker stopped with an error'));
      logger.info({ taskQueue: config.temporal.orderTaskQueue }, 'order worker running');
    },
    async stop() {
      worker?.shutdown();
      await running?.catch(() => undefined);
      await closeConnection?.();
      await metrics.stop();
      transport.close();
      await pool.end();
      await bundle?.remove();
    },
  };
}
