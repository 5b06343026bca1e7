/** Latency percentiles for the benchmark report (nearest-rank, so every figure is a latency that happened). */

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Nearest-rank percentile of an ascending array: the smallest value with at least p of the values at or
 * below it. NaN for an empty array, so a missing figure can never pass for a fast one.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? NaN;
}

/** p50/p95/p99/max of the values (in any order); undefined when there are none. */
export function summarize(values: readonly number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** Milliseconds for people: whole numbers from 10 ms up, one decimal below. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms >= 10 ? `${Math.round(ms)}` : ms.toFixed(1);
}
