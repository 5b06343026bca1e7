/** Starts the benchmark's API, order worker and bridge worker and waits until they serve. */
import { connectClient } from '../platform/temporal';
import { ApiClient } from '../harness/api-client';
import type { BenchContext } from './context';
import { serviceEnv } from '../harness/identity';
import type { ServiceProcess } from '../harness/processes';
import { builtService } from '../scripts/service-commands';
import { logTail, spawnService, stopServices } from '../harness/processes';
import { waitForPollers } from '../harness/temporal-pollers';

const services = [
  { name: 'api', entry: 'api/main.ts' },
  { name: 'order-worker', entry: 'workers/order-worker-main.ts' },
  { name: 'bridge-worker', entry: 'workers/bridge-worker-main.ts' },
];

const READY_TIMEOUT_MS = 120_000;

/** A service that exits while the benchmark still needs it aborts the run, quoting its log. */
export function abortOnExit(started: readonly ServiceProcess[], ctx: BenchContext): () => void {
  let stopping = false;
  for (const s of started) {
    void s.exited.then((how) => {
      if (!stopping) ctx.abort(`${s.name} exited (${how}); its log ${s.logFile} ends with:\n${logTail(s)}`);
    });
  }
  return () => void (stopping = true);
}

export async function startSagaServices(ctx: BenchContext): Promise<ApiClient> {
  const stepActivities = ctx.options['step-activities'];
  const env = {
    ...serviceEnv(ctx.id, process.env),
    ...(stepActivities ? { SAGA_STEP_ACTIVITIES: stepActivities } : {}),
  };
  const started = services.map((s) => {
    const built = builtService(s.entry, env);
    return spawnService(s.name, built.nodeArgs, built.env, ctx.id.logDir);
  });
  const stopping = abortOnExit(started, ctx);
  ctx.cleanup.add('stopping the services', async () => {
    stopping();
    await stopServices(started, ctx.config.shutdownGraceMs + 5000);
  });
  for (const s of started) ctx.monitor.watch(s.name, s.pid);
  ctx.say(
    `[bench] started ${started.map((s) => `${s.name} (pid ${s.pid})`).join(', ')}; logs in ${ctx.id.logDir}`,
  );

  const api = new ApiClient(`http://127.0.0.1:${ctx.id.httpPort}`);
  const alive = () => !ctx.aborted();
  if (!(await api.waitFor('/readyz', READY_TIMEOUT_MS, alive))) {
    throw new Error(ctx.abortReason() ?? `the API did not become ready on port ${ctx.id.httpPort}`);
  }
  const client = await connectClient(ctx.config);
  try {
    if (!(await waitForPollers(client, ctx.id.orderTaskQueue, READY_TIMEOUT_MS, alive))) {
      throw new Error(ctx.abortReason() ?? `no order worker polls ${ctx.id.orderTaskQueue}`);
    }
  } finally {
    await client.connection.close();
  }
  return api;
}
