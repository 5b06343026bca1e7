/**
 * Worker process of the bare workflow (`node --import tsx bench/bare/worker-main.ts <task queue>`): a
 * process of its own, like the order worker, so its CPU and memory are measured apart from the benchmark.
 */
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { loadConfigOrExit } from '../../platform/config';
import { runUntilSignalled } from '../../platform/lifecycle';
import { createLogger } from '../../platform/logger';
import { connectWorker } from '../../platform/temporal';
import { installTemporalLogging } from '../../platform/temporal-logging';
import * as activities from './activities';

const taskQueue = process.argv[2];
if (!taskQueue) {
  process.stderr.write('usage: worker-main.ts <task queue>\n');
  process.exit(2);
}
const config = loadConfigOrExit();
const logger = createLogger(config, 'bare-worker');
installTemporalLogging(logger);

let worker: Worker | undefined;
let running: Promise<void> | undefined;
let closeConnection: (() => Promise<void>) | undefined;

void runUntilSignalled(
  {
    async start() {
      // Bundled here, as the order worker bundles its workflows, so both pay the same start-up.
      const workflowBundle = await bundleWorkflowCode({
        workflowsPath: require.resolve('./workflows'),
        logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
      });
      const connection = await connectWorker(config);
      closeConnection = () => connection.close();
      worker = await Worker.create({
        connection,
        namespace: config.temporal.namespace,
        taskQueue,
        workflowBundle,
        activities,
      });
      running = worker.run();
      running.catch((err: unknown) => logger.error({ err }, 'bare worker stopped with an error'));
    },
    async stop() {
      worker?.shutdown();
      await running?.catch(() => undefined);
      await closeConnection?.();
    },
  },
  logger,
  config.shutdownGraceMs,
);
