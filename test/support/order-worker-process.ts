/** The real order worker entry point as a process of its own, on a harness's task queues: a test kills it. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { AppConfig } from '../../platform/config';
import { serviceProcessEnv } from '../../platform/service-process';

const root = path.resolve(__dirname, '../..');

export function startOrderWorkerProcess(config: Pick<AppConfig, 'temporal'>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(root, 'workers/order-worker-main.ts')], {
    cwd: root,
    env: serviceProcessEnv({
      ...process.env,
      ORDER_TASK_QUEUE: config.temporal.orderTaskQueue,
      BRIDGE_TASK_QUEUE: config.temporal.bridgeTaskQueue,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
    }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
