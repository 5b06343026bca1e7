/**
 * The saga half of the run: the benchmark's own services and catalog, orders through the HTTP API, their
 * events read back from Kafka; warm-up, peak search, latency run, then the audit of every order's events.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { topics } from '../contracts/topics';
import { benchCatalog, fraudCheck, seedCatalog } from '../harness/catalog';
import type { BenchContext } from './context';
import type { AuditSummary } from '../harness/event-audit';
import { auditOrders } from '../harness/event-audit';
import type { OutageTimes } from './kafka-outage';
import { kafkaOutage } from './kafka-outage';
import { LagSampler } from './lag-sampler';
import { createPathPicker } from '../harness/mix';
import { readKafkaTriggers } from './n8n-lag';
import { OrderEventFeed } from '../harness/order-event-feed';
import type { PeakSearch } from './peak-search';
import { searchPeak } from './peak-search';
import type { PhaseResult, Workload } from './phases';
import { runPhase } from './phases';
import type { CpuWindow } from './process-monitor';
import { repoRoot } from '../harness/processes';
import { startSagaServices } from './saga-services';
import { createSagaDriver } from './saga-driver';
import { UnitRegistry } from '../harness/tracker';

export interface SagaRun {
  /** How the saga ran its database steps (SAGA_STEP_ACTIVITIES). */
  stepActivities: string;
  /** card or none: whether the orders were paid by card. */
  payment: string;
  registry: UnitRegistry;
  warnings: string[];
  peak: PeakSearch | undefined;
  latency: PhaseResult | undefined;
  cpu: CpuWindow[];
  outage: OutageTimes | undefined;
  audit: AuditSummary;
  feed: { received: number; unparseable: number; crashes: number };
  reactions: Map<string, number>;
  lag: LagSampler;
}

// Notifications follow the terminal event; give them a moment so the audit sees the whole tail.
const TRAILING_EVENTS_MS = 3000;
const N8N_CATCH_UP_S = 20;
// A Kafka outage holds events back: the relay needs the outage plus reconnects to catch up.
const OUTAGE_EXTRA_DRAIN_S = 180;

export async function runSagaBench(ctx: BenchContext): Promise<SagaRun> {
  const { options, id } = ctx;
  const api = await startSagaServices(ctx);
  // The card the stack's payment server authorizes; --payment none benchmarks orders without payment.
  const catalog = benchCatalog(
    id.suffix,
    ctx.config.fraud,
    options.payment === 'card' ? 'pm_card_visa' : undefined,
  );
  const warnings = fraudCheck(catalog, ctx.config.fraud);
  await seedCatalog(api, id.operator.secret, catalog);

  const registry = new UnitRegistry();
  const driver = createSagaDriver(api, id, catalog, registry);
  const feed = new OrderEventFeed(ctx.kafka, topics.orderEvents, (e) => driver.onEvent(e));
  ctx.cleanup.add('stopping the event consumer', () => feed.stop());
  await feed.start();

  const admin = ctx.kafka.admin();
  await admin.connect();
  ctx.cleanup.add('disconnecting the Kafka admin', () => admin.disconnect());
  const lag = new LagSampler(
    admin,
    readKafkaTriggers(path.join(repoRoot, 'n8n')),
    `http://127.0.0.1:${id.metricsPort}/metrics`,
  );
  lag.start();
  ctx.cleanup.add('stopping the lag sampler', () => Promise.resolve(lag.stop()));

  const pick = createPathPicker(options.mix);
  const workload: Workload = {
    name: 'saga',
    unit: 'orders',
    submit: (phase) => driver.submit(phase, pick()),
  };
  const cpu: CpuWindow[] = [];

  if (options.warmup > 0)
    await runPhase(workload, 'warm-up', options['start-rate'], options.warmup, options.drain, ctx);
  let peak: PeakSearch | undefined;
  if (!options['skip-peak'] && !ctx.aborted()) {
    const done = ctx.monitor.cpuWindow('saga peak search');
    peak = await searchPeak(workload, peakOptions(ctx, options['start-rate']), ctx);
    cpu.push(done());
  }

  let latency: PhaseResult | undefined;
  let outage: OutageTimes | undefined;
  const rate = options.rate ?? (peak && peak.peak > 0 ? Math.round((peak.peak / 2) * 10) / 10 : undefined);
  if (!options['peak-only'] && !ctx.aborted()) {
    if (rate === undefined) warnings.push('no sustainable saga rate was found, so there is no latency run');
    else {
      const outageS = options['kafka-outage'];
      const outageRun =
        outageS === undefined
          ? undefined
          : kafkaOutage(Math.min(10, options.duration / 4), outageS, ctx.say).catch((err: unknown) => {
              warnings.push(
                `the Kafka outage did not go as planned: ${err instanceof Error ? err.message : String(err)}`,
              );
              return undefined;
            });
      // Even if the run is cut short, Kafka must be running again when the benchmark exits.
      if (outageRun) ctx.cleanup.add('waiting for Kafka to be restarted', async () => void (await outageRun));
      const done = ctx.monitor.cpuWindow('saga latency run');
      const drainS = options.drain + (outageS === undefined ? 0 : outageS + OUTAGE_EXTRA_DRAIN_S);
      latency = await runPhase(workload, 'latency run', rate, options.duration, drainS, ctx);
      cpu.push(done());
      outage = await outageRun;
    }
  }

  await sleep(TRAILING_EVENTS_MS);
  await lag.settle(N8N_CATCH_UP_S);
  const audit = auditOrders(
    registry.all().map((u) => u.id),
    feed.bySubject,
  );
  return {
    stepActivities: options['step-activities'] ?? ctx.config.saga.stepActivities,
    payment: options.payment,
    registry,
    warnings,
    peak,
    latency,
    cpu,
    outage,
    audit,
    feed: { received: feed.received, unparseable: feed.unparseable, crashes: feed.crashes },
    reactions: driver.reactions,
    lag,
  };
}

export function peakOptions(ctx: BenchContext, startRate: number) {
  const { options } = ctx;
  return {
    startRate,
    maxRate: options['max-rate'],
    growth: options.growth,
    maxSteps: 14,
    stepS: options.step,
    drainS: options.drain,
  };
}
