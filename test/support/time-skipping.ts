/**
 * Temporal's time-skipping test server for workflow tests that need no other server: a held order's
 * 24 h review timeout passes in milliseconds, while the saga runs exactly the bundle the order worker runs,
 * with fake steps (test/support/fake-saga-steps.ts) in place of the database, fraud and mail activities.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
// Not re-exported from the package root; the SDK exports it for tests that register search attributes.
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowBundle } from './workflow-bundle';
import type { OrderSagaOptions } from '../../contracts/order-messages';
import type { OrderStatus } from '../../contracts/order-status';
import type { PricedOrder } from '../../contracts/order';
import { orderSummary } from '../../contracts/order';
import type { orderSaga } from '../../workflows';
import { orderWorkflowId, statusQuery } from '../../workflows/messages';
import {
  CustomerIdKey,
  OrderStatusKey,
  OrderTotalKey,
  orderSearchAttributeKeys,
} from '../../workflows/search-attributes';
import type { FakeSagaSteps } from './fake-saga-steps';

const root = path.resolve(__dirname, '../..');

/** The test server binary: scripts/ensure-test-server.sh installs it once and prints its path. */
export function testServerPath(): string {
  const printed = execFileSync('bash', [path.join(root, 'scripts/ensure-test-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return printed.trim().split('\n').pop() ?? '';
}

let runtimeInstalled = false;

/**
 * Starts a private test server on a free port, with the order search attributes registered; `teardown()`
 * stops it. The test server refuses a start or an upsert naming an attribute it does not know ("search
 * attribute OrderStatus is not defined"), and the SDK passes `searchAttributes` only to the dev server, so
 * they are registered through the operator service, as `temporal operator search-attribute create` does.
 */
export async function startTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    // Errors only: the step failures these tests provoke are logged as warnings, and every worker warns
    // that the test server keeps no heartbeat details on failure, which no fake step uses.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
  });
  const searchAttributes: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of orderSearchAttributeKeys) {
    const type = encodeSearchAttributeIndexedValueType(key.type);
    if (type === undefined) throw new Error(`no indexed value type for search attribute ${key.name}`);
    searchAttributes[key.name] = type;
  }
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes,
  });
  return env;
}

export interface OrderSagaBench {
  /**
   * Starts orderSaga with the API's workflow id, summary and first search attributes; with no `options`
   * the saga takes its own defaults (24 h review timeout, local steps).
   */
  startOrder: (order: PricedOrder, options?: OrderSagaOptions) => Promise<WorkflowHandle<typeof orderSaga>>;
  /** Stops the worker, then starts a fresh one: messages sent in between reach the saga in one task. */
  restartWorker: (whileStopped: () => Promise<void>) => Promise<void>;
}

/**
 * A hung test must still stop its worker before Jest's own timeout: a worker left running keeps the
 * environment from tearing down, and the test server process would outlive the run.
 */
const BODY_DEADLINE_MS = 30_000;

/**
 * Runs `body` while a worker on a task queue of its own runs orderSaga with the given steps, then stops
 * the worker (after at most BODY_DEADLINE_MS).
 */
export async function withOrderWorker(
  env: TestWorkflowEnvironment,
  steps: FakeSagaSteps,
  body: (bench: OrderSagaBench) => Promise<void>,
): Promise<void> {
  const taskQueue = `orders-${randomUUID()}`;
  const bundle = await workflowBundle();
  const { outbox: _outbox, groupOutbox: _groupOutbox, payments: _payments, ...activities } = steps;
  const createWorker = () =>
    Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities,
      // A step that never answers must not keep the worker (and so the test server) alive.
      shutdownForceTime: '2s',
      // No cache: a cached run's tasks go to its worker's sticky queue, and the test server kept sending
      // them there after that worker stopped (restartWorker hung). It also makes every task replay the
      // history from the start, so a non-deterministic saga change fails these tests too.
      maxCachedWorkflows: 0,
    });
  let worker = await createWorker();
  const bench: OrderSagaBench = {
    startOrder: (order, options) =>
      env.client.workflow.start<typeof orderSaga>('orderSaga', {
        taskQueue,
        workflowId: orderWorkflowId(order.orderId),
        args: [{ order, ...(options ? { options } : {}) }],
        staticSummary: orderSummary(order),
        typedSearchAttributes: [
          { key: OrderStatusKey, value: 'received' },
          { key: CustomerIdKey, value: order.customerId },
          { key: OrderTotalKey, value: order.totalMinor / 100 },
        ],
      }),
    restartWorker: async (whileStopped) => {
      worker.shutdown();
      await running;
      await whileStopped();
      worker = await createWorker();
      running = worker.run();
    },
  };
  let running = worker.run();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`the test did not finish within ${BODY_DEADLINE_MS} ms; its worker was stopped`)),
      BODY_DEADLINE_MS,
    );
  });
  const failed = (err: unknown) => ({ err });
  const outcome = await Promise.race([body(bench), deadline]).then(() => undefined, failed);
  clearTimeout(timer);
  if (worker.getState() === 'RUNNING') worker.shutdown();
  // The test's own failure comes first; a forced shutdown after it is only its consequence.
  const stopped = await running.then(() => undefined, failed);
  const failure = outcome ?? stopped;
  if (failure) throw failure.err;
}

/** Polls the status query (in real time: time is skipped only while a result is awaited) until `status`. */
export async function waitForStatus(
  handle: WorkflowHandle<typeof orderSaga>,
  status: OrderStatus,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await handle.query(statusQuery);
    if (state.status === status) return;
    if (Date.now() > deadline) {
      throw new Error(`order ${state.orderId} is ${state.status}, still not ${status} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
