/** The real order worker entry point as a process of its own, on a harness's task queues: a test kills it. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { AppConfig } from '../../platform/config';
import { sourceService } from '../../scripts/service-commands';

const root = path.resolve(__dirname, '../..');

export function startOrderWorkerProcess(config: Pick<AppConfig, 'temporal'>): ChildProcess {
  const worker = sourceService('workers/order-worker-main.ts', {
    ...process.env,
    ORDER_TASK_QUEUE: config.temporal.orderTaskQueue,
    BRIDGE_TASK_QUEUE: config.temporal.bridgeTaskQueue,
    ORDER_WORKER_METRICS_PORT: '0',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
  });
  return spawn(process.execPath, worker.nodeArgs, {
    cwd: root,
    env: worker.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
