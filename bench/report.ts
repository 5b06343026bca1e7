/** The final report: readable tables of what was measured, the audit verdict, and the saga/bare ratio last. */
import type { BareRun } from './bare-bench';
import { verdictLine } from '../harness/event-audit';
import { formatMs } from './latency-stats';
import type { OrderMix } from '../harness/mix';
import { describeMix } from '../harness/mix';
import type { Lag } from './n8n-lag';
import type { ProcessMonitor } from './process-monitor';
import { bareLatencyRows, latencyHeaders, sagaLatencyRows, unexpectedOutcomes } from './report-latency';
import { peakTable } from './report-peak';
import type { SagaRun } from './saga-bench';
import { table } from '../harness/table';

const f1 = (n: number) => n.toFixed(1);
const num = (n: number | undefined, digits: number) => (n === undefined ? '-' : n.toFixed(digits));
const counts = (m: ReadonlyMap<string, number>) =>
  [...m].map(([what, n]) => `${n}× ${what}`).join(', ') || 'none';

function sagaSection(saga: SagaRun, mix: OrderMix): string[] {
  const lines = [
    `order mix: ${describeMix(mix)}; saga steps as ${saga.stepActivities} activities; payment: ${saga.payment}`,
    ...saga.warnings.map((w) => `warning: ${w}`),
    '',
  ];
  if (saga.peak) lines.push(...peakTable('saga', saga.peak, saga.registry));
  if (saga.latency) {
    const { phase, durationS, maxLateMs } = saga.latency;
    const units = saga.registry.inPhase(phase);
    lines.push(
      `saga latency run: ${phase.rate}/s for ${durationS} s — ${phase.offered} offered, ${phase.accepted} accepted, ${phase.failed} failed, ${phase.settled} settled; generator at most ${formatMs(maxLateMs)} ms behind schedule`,
      ...table(latencyHeaders, sagaLatencyRows(units)),
      `failed submissions: ${counts(phase.failures)}`,
      `ended otherwise than built for: ${unexpectedOutcomes(units).join(', ') || 'none'}`,
      '',
    );
  }
  lines.push(`operator calls made on order.review_required (all phases): ${counts(saga.reactions)}`);
  if (saga.outage) {
    lines.push(
      `Kafka outage: down ${new Date(saga.outage.downAt).toISOString()}, up again ${new Date(saga.outage.upAt).toISOString()}`,
    );
  }
  return lines;
}

function consumersSection(saga: SagaRun): string[] {
  const rows = [...saga.lag.triggers].map((t) => {
    const s = saga.lag.n8n.get(t.groupId);
    const show = (lag: Lag | undefined) =>
      lag === undefined
        ? '-'
        : `${lag.messages}${lag.uncommittedPartitions ? ` (+${lag.uncommittedPartitions} partitions never committed)` : ''}`;
    return [t.groupId, t.topic, show(s?.max), show(s?.last), s?.error ?? ''];
  });
  const { outbox } = saga.lag;
  const outboxLine = outbox.last
    ? `outbox relay (bridge metrics): pending rows max ${num(outbox.max?.pendingRows, 0)}, final ${num(outbox.last.pendingRows, 0)}; oldest pending age max ${num(outbox.max?.oldestPendingAgeS, 2)} s, final ${num(outbox.last.oldestPendingAgeS, 2)} s`
    : `outbox relay: no figures — ${outbox.error ?? 'not sampled'} (the bridge exposes fc_outbox_* metrics once it has them)`;
  return [
    'n8n consumer lag (messages; groups and topics read from n8n/*.json; final = after the drain):',
    ...(rows.length
      ? table(['group', 'topic', 'max', 'final', 'last error'], rows)
      : ['no Kafka triggers found in n8n/*.json']),
    outboxLine,
    '',
  ];
}

function processSection(monitor: ProcessMonitor, serverNotes: readonly string[]): string[] {
  const windows = monitor.windows;
  const names = [
    ...new Set([...monitor.peakRss().map((p) => p.name), ...windows.flatMap((w) => [...w.cores.keys()])]),
  ];
  const rss = new Map(monitor.peakRss().map((p) => [p.name, p.maxRssKb]));
  const rows = names.map((name) => [
    name,
    rss.has(name) ? f1((rss.get(name) ?? 0) / 1024) : '-',
    ...windows.map((w) => (w.cores.has(name) ? `${((w.cores.get(name) ?? 0) * 100).toFixed(0)}%` : '-')),
  ]);
  // Every process on the order path is watched, so the total is what the machine spent (2 cores = 200 %).
  const total = [
    'all of the above',
    '',
    ...windows.map((w) => `${([...w.cores.values()].reduce((a, b) => a + b, 0) * 100).toFixed(0)}%`),
  ];
  return [
    'processes (RSS = VmRSS of the process and its children, max of samples every 2 s; CPU = % of one core;',
    "the stack's servers below the benchmark's own processes, CPU only):",
    ...table(['process', 'max RSS MiB', ...windows.map((w) => `CPU ${w.label}`)], [...rows, total]),
    ...serverNotes,
    '',
  ];
}

export interface ReportInput {
  mix: OrderMix;
  saga: SagaRun | undefined;
  bare: BareRun | undefined;
  monitor: ProcessMonitor;
  serverNotes: readonly string[];
}

export function report(input: ReportInput): string[] {
  const { saga, bare } = input;
  const lines = ['', '==================== benchmark results ====================', ''];
  if (saga) lines.push(...sagaSection(saga, input.mix), '');
  if (bare) {
    lines.push(...peakTable('bare workflow', bare.peak, bare.registry));
    const best = bare.peak.steps.filter((s) => s.verdict.sustainable).at(-1);
    if (best)
      lines.push(
        `bare workflow at its peak step (${best.result.phase.rate}/s):`,
        ...table(latencyHeaders, bareLatencyRows(bare.registry.inPhase(best.result.phase))),
        '',
      );
  }
  lines.push(...processSection(input.monitor, input.serverNotes));
  if (saga) {
    lines.push(...consumersSection(saga));
    lines.push(
      `order events read (the whole topic, other traffic included): ${saga.feed.received}, unparseable ${saga.feed.unparseable}, consumer restarts ${saga.feed.crashes}`,
    );
    lines.push(verdictLine(saga.audit));
  }
  const capped = [saga?.peak?.capped ? 'saga' : '', bare?.peak.capped ? 'bare' : ''].filter(Boolean);
  if (capped.length > 0) {
    lines.push(
      `note: the ${capped.join(' and ')} peak search stopped at --max-rate, so that peak is a lower bound`,
    );
  }
  return lines;
}

/** The very last line of every run. */
export function ratioLine(saga: SagaRun | undefined, bare: BareRun | undefined): string {
  const sagaPeak = saga?.peak?.peak;
  const barePeak = bare?.peak.peak;
  if (sagaPeak === undefined || barePeak === undefined || barePeak === 0) {
    const part = (what: string, v: number | undefined, unit: string) =>
      v === undefined ? `${what} not measured` : `${what} ${f1(v)} ${unit}`;
    return `ratio saga/bare: n/a (${part('saga peak', sagaPeak, 'orders/s')}, ${part('bare peak', barePeak, 'workflows/s')})`;
  }
  return `ratio saga/bare: ${(sagaPeak / barePeak).toFixed(2)} (saga ${f1(sagaPeak)} orders/s, bare ${f1(barePeak)} workflows/s)`;
}
