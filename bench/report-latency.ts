/** Latency rows of the report, computed from the units a phase accepted. */
import type { LatencySummary } from './latency-stats';
import { formatMs, summarize } from './latency-stats';
import type { OrderPath } from '../harness/mix';
import { orderPaths } from '../harness/mix';
import type { Unit } from '../harness/tracker';

/** The terminal event each path is built to end with. */
export const expectedOutcome: Record<OrderPath, string> = {
  happy: 'order.confirmed',
  review: 'order.confirmed',
  cancel: 'order.cancelled',
  short: 'order.rejected',
};

const pathLabel: Record<OrderPath, string> = {
  happy: 'happy: 202 → order.confirmed read from Kafka',
  review: 'review: 202 → order.confirmed (holds for the approve call; not in the happy row)',
  cancel: 'cancel: 202 → order.cancelled (review hold, cancel call, compensation)',
  short: 'short: 202 → order.rejected (insufficient stock)',
};

export const latencyHeaders = ['latency (ms)', 'count', 'p50', 'p95', 'p99', 'max'];

function row(label: string, s: LatencySummary | undefined): string[] {
  if (!s) return [label, '0', '-', '-', '-', '-'];
  return [label, String(s.count), formatMs(s.p50), formatMs(s.p95), formatMs(s.p99), formatMs(s.max)];
}

const settledIn = (units: readonly Unit[], outcome: string) =>
  units
    .filter((u) => u.outcome === outcome && u.settledAt !== undefined)
    .map((u) => (u.settledAt ?? 0) - u.acceptedAt);

/** HTTP submit latency, then submit → expected terminal event per path (other outcomes are counted apart). */
export function sagaLatencyRows(units: readonly Unit[]): string[][] {
  const rows = [
    row('HTTP submit: send → 202 received', summarize(units.map((u) => u.acceptedAt - u.sentAt))),
  ];
  for (const path of orderPaths) {
    const ofPath = units.filter((u) => u.kind === path);
    if (ofPath.length > 0)
      rows.push(row(pathLabel[path], summarize(settledIn(ofPath, expectedOutcome[path]))));
  }
  return rows;
}

/** Orders that ended otherwise than their path intends, e.g. "2 review → order.rejected". */
export function unexpectedOutcomes(units: readonly Unit[]): string[] {
  const counts = new Map<string, number>();
  for (const u of units) {
    const expected = expectedOutcome[u.kind as OrderPath] as string | undefined;
    if (expected === undefined || u.outcome === expected) continue;
    const key = `${u.kind} → ${u.outcome ?? 'not settled'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${n} ${key}`);
}

export function bareLatencyRows(units: readonly Unit[]): string[][] {
  return [
    row('bare: start request → answered', summarize(units.map((u) => u.acceptedAt - u.sentAt))),
    row('bare: start answered → result', summarize(settledIn(units, 'completed'))),
  ];
}
