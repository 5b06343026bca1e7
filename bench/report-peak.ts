/** The peak-search table of the report: one row per step, with the verdict and why. */
import { formatMs, summarize } from './latency-stats';
import type { PeakSearch } from './peak-search';
import { expectedOutcome } from './report-latency';
import { table } from '../harness/table';
import type { Unit, UnitRegistry } from '../harness/tracker';

const f1 = (n: number) => n.toFixed(1);

/** Latency of the units that ended as intended (happy orders, completed bare workflows) in one phase. */
function intendedLatency(units: readonly Unit[]) {
  return summarize(
    units
      .filter(
        (u) =>
          u.settledAt !== undefined &&
          (u.kind === 'bare'
            ? u.outcome === 'completed'
            : u.kind === 'happy' && u.outcome === expectedOutcome.happy),
      )
      .map((u) => (u.settledAt ?? 0) - u.acceptedAt),
  );
}

export function peakTable(name: string, search: PeakSearch, registry: UnitRegistry): string[] {
  const rows = search.steps.map(({ result, verdict }) => {
    const latency = intendedLatency(registry.inPhase(result.phase));
    return [
      `${result.phase.rate}/s`,
      f1(verdict.completionRate),
      f1(verdict.backlogGrowthPerS),
      String(result.phase.failed),
      result.drainS === undefined ? 'no' : f1(result.drainS),
      latency ? formatMs(latency.p50) : '-',
      latency ? formatMs(latency.p99) : '-',
      verdict.sustainable ? 'holds' : verdict.reasons.join('; '),
    ];
  });
  return [
    `${name} peak search (steps of open-loop load; judged on their second half):`,
    ...table(['offered', 'done/s', 'backlog Δ/s', 'failed', 'drain s', 'p50 ms', 'p99 ms', 'verdict'], rows),
    `p50/p99: ${name === 'saga' ? '202 → order.confirmed of happy-path orders' : 'start → result'}; done/s and backlog Δ/s: least-squares fits`,
    `→ peak sustainable rate: ${f1(search.peak)}/s${search.capped ? ' (reached --max-rate: the real ceiling is at least this)' : ''}`,
    '',
  ];
}
