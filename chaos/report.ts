/** The final tables of a chaos run: one row per fault, the orders, one row per checked invariant. */
import { table } from '../harness/table';
import type { ChaosResult } from './run';

const s = (seconds: number | undefined, none = '—') =>
  seconds === undefined ? none : `${seconds.toFixed(1)} s`;

function causes(refusals: Map<string, number>): string {
  return [...refusals]
    .sort((a, b) => b[1] - a[1])
    .map(([cause, n]) => `${n}× ${cause}`)
    .join(', ');
}

export function faultTable(result: ChaosResult): string[] {
  const rows = result.windows.map((w) => [
    w.fault.kind === w.fault.target ? w.fault.kind : `${w.fault.kind} (${w.fault.target})`,
    s((w.fault.killedAt - result.startedAt) / 1000),
    s((w.fault.recoveredAt - w.fault.killedAt) / 1000),
    s(w.tookOverS),
    s(w.resumedS, 'never'),
    w.refusedS === undefined ? 'never' : `${s(w.refusedS)}${w.neverAcceptedAgain ? ' (still)' : ''}`,
    causes(w.refusals) || '—',
    s(w.slowestS),
    String(w.backlog),
    s(w.drainedS, 'never'),
  ]);
  return table(
    [
      'fault (kill -9)',
      'killed at',
      'back after',
      'taken over after',
      'orders settle again after',
      'API refused for',
      'refused submissions',
      'slowest answer',
      'backlog',
      'drained after',
    ],
    rows,
  );
}

export function orderTable(result: ChaosResult): string[] {
  const all = result.ledger.all();
  const firstTry = all.filter((o) => o.orderId !== undefined && o.attempts === 1).length;
  const retried = all.filter((o) => o.orderId !== undefined && o.attempts > 1).length;
  const outcomes = result.verification.outcomes;
  const rows = [
    ['offered', String(all.length)],
    ['accepted at the first try', String(firstTry)],
    ['accepted after retries (same Idempotency-Key)', String(retried)],
    ['given up', String(all.filter((o) => o.gaveUp).length)],
    ...['confirmed', 'rejected', 'cancelled'].map((status) => [status, String(outcomes.get(status) ?? 0)]),
    ['review / cancel calls', [...result.reactions].map(([what, n]) => `${n}× ${what}`).join(', ') || '—'],
  ];
  return table(['orders', 'count'], rows);
}

export function checkTable(result: ChaosResult): string[] {
  const rows = result.verification.checks.map((c) => [c.name, c.expected, c.found, c.ok ? 'PASS' : 'FAIL']);
  const lines = table(['invariant', 'expected', 'found', ''], rows);
  for (const c of result.verification.checks) {
    if (!c.ok && c.examples.length > 0) lines.push(`  ${c.name}, e.g.: ${c.examples.join('; ')}`);
  }
  return lines;
}

export function report(result: ChaosResult): string[] {
  const o = result.options;
  const lines = [
    '',
    `Chaos run ${result.id.suffix} (${o.shape}): ${result.ledger.all().length} orders at ${o.rate}/s over ${s(result.loadS)}, ` +
      `faults ${o.faults.join(', ')} (each down ${o.downS} s); drained ${s(result.drainS, 'NOT within --drain')} after the load`,
    '',
    ...faultTable(result),
    '',
    ...orderTable(result),
    '',
    ...checkTable(result),
    '',
  ];
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  for (const e of result.faultErrors) lines.push(`fault failed: ${e}`);
  if (result.aborted) lines.push(`stopped early: ${result.aborted}`);
  lines.push(`logs of the API and workers: ${result.id.logDir}`);
  lines.push(chaosPassed(result) ? 'chaos: PASS' : 'chaos: FAIL');
  return lines;
}

/** Every invariant held, every fault was injected and recovered, and the run went to its end. */
export function chaosPassed(result: ChaosResult): boolean {
  return (
    result.verification.ok &&
    result.faultErrors.length === 0 &&
    result.faults.length === result.options.faults.length &&
    result.aborted === undefined
  );
}
