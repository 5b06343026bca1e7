/**
 * Turns Druid's sparse per-bucket rows (only buckets that hold events come back) into the dense series a
 * chart draws: every bucket of the range, in order, with zero where nothing happened.
 */
import { bucketMs } from '../../contracts/http-analytics';
import type { ResolvedRange } from '../../contracts/http-analytics';

/** A row of a per-bucket, per-key count: `start` as Druid formats it (ISO), `key` a type, decision... */
export interface BucketRow {
  start: string;
  key: string | null;
  value: number | null;
}

/** The start of every bucket that overlaps the range, oldest first (buckets align to the Unix epoch, as TIME_FLOOR's do). */
export function bucketStarts(range: ResolvedRange): string[] {
  const step = bucketMs[range.bucket];
  const starts: string[] = [];
  for (let t = Math.floor(range.from.getTime() / step) * step; t < range.to.getTime(); t += step) {
    starts.push(new Date(t).toISOString());
  }
  return starts;
}

/** One entry per bucket with a count for each of `keys` (rows of other keys are ignored). */
export function denseSeries<K extends string>(
  range: ResolvedRange,
  rows: readonly BucketRow[],
  keys: readonly K[],
): (Record<K, number> & { start: string })[] {
  const byStart = new Map<string, Record<K, number> & { start: string }>();
  for (const start of bucketStarts(range)) {
    const entry = { start } as Record<K, number> & { start: string };
    for (const key of keys) (entry as Record<K, number>)[key] = 0;
    byStart.set(start, entry);
  }
  for (const row of rows) {
    const entry = byStart.get(new Date(row.start).toISOString());
    if (entry && row.key !== null && (keys as readonly string[]).includes(row.key)) {
      (entry as Record<K, number>)[row.key as K] += row.value ?? 0;
    }
  }
  return [...byStart.values()];
}

/** Sums a dense series into its totals. */
export function totalsOf<K extends string>(
  series: readonly Record<K, number>[],
  keys: readonly K[],
): Record<K, number> {
  const totals = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  for (const entry of series) for (const key of keys) totals[key] += entry[key];
  return totals;
}
