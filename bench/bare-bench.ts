/** The bare half of the run: a one-no-op-activity workflow on the same Temporal server, its peak rate. */
import { connectClient } from '../platform/temporal';
import { createBareDriver } from './bare-driver';
import type { BenchContext } from './context';
import type { PeakSearch } from './peak-search';
import { searchPeak } from './peak-search';
import type { Workload } from './phases';
import { runPhase } from './phases';
import type { CpuWindow } from './process-monitor';
import { sourceService } from '../scripts/service-commands';
import { spawnService, stopServices } from '../harness/processes';
import { abortOnExit } from './saga-services';
import { waitForPollers } from '../harness/temporal-pollers';
import { serviceEnv } from '../harness/identity';
import { peakOptions } from './saga-bench';
import { UnitRegistry } from '../harness/tracker';

export interface BareRun {
  registry: UnitRegistry;
  peak: PeakSearch;
  cpu: CpuWindow[];
}

const READY_TIMEOUT_MS = 120_000;

/** `sagaPeak` (when known) starts the search higher: the bare workflow is not expected to be slower. */
export async function runBareBench(ctx: BenchContext, sagaPeak: number | undefined): Promise<BareRun> {
  const mark = ctx.cleanup.mark();
  // From its TypeScript source: bench/ is not built.
  const bare = sourceService('bench/bare/worker-main.ts', serviceEnv(ctx.id, process.env), [
    ctx.id.bareTaskQueue,
  ]);
  const worker = spawnService('bare-worker', bare.nodeArgs, bare.env, ctx.id.logDir);
  const stopping = abortOnExit([worker], ctx);
  ctx.cleanup.add('stopping the bare worker', async () => {
    stopping();
    await stopServices([worker], ctx.config.shutdownGraceMs + 5000);
  });
  ctx.monitor.watch('bare-worker', worker.pid);
  const client = await connectClient(ctx.config);
  ctx.cleanup.add('closing the Temporal client', () => client.connection.close());
  if (!(await waitForPollers(client, ctx.id.bareTaskQueue, READY_TIMEOUT_MS, () => !ctx.aborted()))) {
    throw new Error(ctx.abortReason() ?? `no bare worker polls ${ctx.id.bareTaskQueue}`);
  }

  const registry = new UnitRegistry();
  const submit = createBareDriver(client, ctx.id.bareTaskQueue, ctx.id.suffix, registry);
  const workload: Workload = { name: 'bare', unit: 'workflows', submit };
  const { options } = ctx;
  if (options.warmup > 0)
    await runPhase(workload, 'warm-up', options['start-rate'], options.warmup, options.drain, ctx);
  const done = ctx.monitor.cpuWindow('bare peak search');
  const startRate = Math.max(options['start-rate'], (sagaPeak ?? 0) / 2);
  const peak = await searchPeak(workload, peakOptions(ctx, startRate), ctx);
  const cpu = [done()];
  await ctx.cleanup.run(mark);
  return { registry, peak, cpu };
}
