/**
 * The order worker as `npm start`, `npm run bench` and the Docker image run it: compiled by
 * scripts/build.sh, loading the workflow bundle built there instead of bundling at start.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { builtService } from '../../scripts/service-commands';
import { pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
// Inside the clone (Node finds node_modules from there), beside a dist/ that `npm start` may be using.
const buildDir = path.join(root, '.stack', 'test-build');

let h: SagaHarness;
const children: ChildProcess[] = [];

interface Exited {
  code: number | null;
  output: string;
}

/** The built order worker on the harness's task queues; `output` collects what it logs. */
function startBuiltWorker(env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  const built = builtService(
    'workers/order-worker-main.ts',
    {
      ...process.env,
      ORDER_TASK_QUEUE: h.config.temporal.orderTaskQueue,
      BRIDGE_TASK_QUEUE: h.config.temporal.bridgeTaskQueue,
      ORDER_WORKER_METRICS_PORT: '0',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      ...env,
    },
    buildDir,
  );
  const child = spawn(process.execPath, built.nodeArgs, { cwd: root, env: built.env });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function exitOf(worker: ReturnType<typeof startBuiltWorker>): Promise<Exited> {
  return new Promise((resolve) =>
    worker.child.once('exit', (code) => resolve({ code, output: worker.output() })),
  );
}

beforeAll(async () => {
  await promisify(execFile)('bash', [path.join(root, 'scripts/build.sh'), path.relative(root, buildDir)], {
    cwd: root,
  });
  h = await startSagaHarness({ orderWorker: false });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await h?.stop();
  await rm(buildDir, { recursive: true, force: true });
});

describe('the built order worker', () => {
  it('confirms an order with the prebuilt workflow bundle, without bundling at start', async () => {
    const worker = startBuiltWorker();
    const sku = uniqueSku();
    await seedProduct(h.pool, sku, 1_000, 10);
    const order = pricedOrder([{ sku, quantity: 2, unitPriceMinor: 1_000 }]);
    const result = await (await h.startOrder(order)).result();
    expect(result.status).toBe('confirmed');
    const logged = worker.output();
    expect(logged).toContain('order worker loads the prebuilt workflow bundle');
    expect(logged).toContain(path.join(buildDir, 'workflow-bundle.js'));
    expect(logged).toContain('order worker running');
    worker.child.kill('SIGTERM');
    expect((await exitOf(worker)).code).toBe(0);
  });

  it('exits at once, naming the file and the build, when WORKFLOW_BUNDLE names no file', async () => {
    const missing = path.join(buildDir, 'no-such-bundle.js');
    const worker = startBuiltWorker({ WORKFLOW_BUNDLE: missing });
    const started = Date.now();
    const exited = await exitOf(worker);
    expect(exited.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(exited.output).toContain(`WORKFLOW_BUNDLE names ${missing}, which does not exist`);
    expect(exited.output).toContain('npm run build');
    expect(exited.output).not.toContain('order worker running');
  });
});
