/**
 * The peak search's decisions, kept pure so they can be tested: whether a step at a fixed offered rate was
 * sustainable, and which rate to try next.
 */
import type { StepSample } from '../harness/tracker';

export interface StepVerdict {
  sustainable: boolean;
  /** Completions per second over the second half of the step. */
  completionRate: number;
  /** Growth of the backlog (offered, not failed, not settled) over the second half, per second. */
  backlogGrowthPerS: number;
  errorShare: number;
  /** Seconds from the end of the step until nothing was outstanding; undefined if it did not drain. */
  drainS: number | undefined;
  /** Why not, in words; empty when sustainable. */
  reasons: string[];
}

// Tolerances: the first half of a step absorbs the latency ramp, so the second half is judged. Rates are
// fitted over its samples (least squares), and NOISE_PER_S absorbs the wobble of a few units in flight.
const MIN_COMPLETION_SHARE = 0.9;
const MAX_BACKLOG_GROWTH_SHARE = 0.1;
const MAX_ERROR_SHARE = 0.01;
const NOISE_PER_S = 0.5;

const backlogOf = (s: StepSample) => s.offered - s.failed - s.settled;

/** Least-squares slope of y over x (0 with fewer than two points). */
export function slope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * Sustainable = completions keep pace with the offered rate (≥ 90 % over the second half), the backlog
 * does not grow (≤ 10 % of the rate per second), at most 1 % of submissions failed, and the step drained.
 */
export function judgeStep(
  rate: number,
  samples: readonly StepSample[],
  drainS: number | undefined,
): StepVerdict {
  const last = samples[samples.length - 1];
  const durationS = last?.atS ?? 0;
  const secondHalf = samples.filter((s) => s.atS >= durationS / 2);
  const fit = (y: (s: StepSample) => number) => slope(secondHalf.map((s) => ({ x: s.atS, y: y(s) })));
  const completionRate = fit((s) => s.settled);
  const backlogGrowthPerS = fit(backlogOf);
  const errorShare = last && last.offered > 0 ? last.failed / last.offered : 0;
  const reasons: string[] = [];
  if (secondHalf.length < 3) reasons.push('too few samples');
  if (completionRate < MIN_COMPLETION_SHARE * rate - NOISE_PER_S) {
    reasons.push(
      `completions ${completionRate.toFixed(1)}/s < ${(MIN_COMPLETION_SHARE * 100).toFixed(0)}% of offered`,
    );
  }
  if (backlogGrowthPerS > MAX_BACKLOG_GROWTH_SHARE * rate + NOISE_PER_S) {
    reasons.push(`backlog grew ${backlogGrowthPerS.toFixed(1)}/s`);
  }
  if (errorShare > MAX_ERROR_SHARE) reasons.push(`${(errorShare * 100).toFixed(1)}% of submissions failed`);
  if (drainS === undefined) reasons.push('did not drain');
  return {
    sustainable: reasons.length === 0,
    completionRate,
    backlogGrowthPerS,
    errorShare,
    drainS,
    reasons,
  };
}

export interface SearchOptions {
  startRate: number;
  maxRate: number;
  /** Factor between successive rates while every step holds. */
  growth: number;
  maxSteps: number;
}

export interface TriedStep {
  rate: number;
  sustainable: boolean;
}

const round = (rate: number) => Math.round(rate * 10) / 10;
// Below this the peak is bracketed closely enough for a benchmark.
const REFINE_RATIO = 1.25;
const MIN_RATE = 0.5;

/**
 * The next rate to offer, or undefined when the search is over: grow while steps hold (up to maxRate);
 * after the first failure try the geometric middle once when the bracket is wide; if even the first
 * step fails, halve until one holds.
 */
export function nextRate(tried: readonly TriedStep[], options: SearchOptions): number | undefined {
  if (tried.length >= options.maxSteps) return undefined;
  if (tried.length === 0) return round(Math.min(options.startRate, options.maxRate));
  const good = tried.filter((t) => t.sustainable).map((t) => t.rate);
  const bad = tried.filter((t) => !t.sustainable).map((t) => t.rate);
  const best = good.length > 0 ? Math.max(...good) : undefined;
  const lowestBad = bad.length > 0 ? Math.min(...bad) : undefined;
  if (best === undefined) {
    const next = round((lowestBad ?? options.startRate) / 2);
    return next >= MIN_RATE ? next : undefined;
  }
  const badAbove = bad.filter((r) => r > best);
  if (badAbove.length === 0) {
    if (best >= options.maxRate) return undefined;
    return round(Math.min(best * options.growth, options.maxRate));
  }
  const ceiling = Math.min(...badAbove);
  const middle = round(Math.sqrt(best * ceiling));
  const alreadyTried = tried.some((t) => t.rate === middle);
  return ceiling / best > REFINE_RATIO && !alreadyTried && middle > best && middle < ceiling
    ? middle
    : undefined;
}

/** The highest sustainable rate tried, 0 when none held. */
export function peakOf(tried: readonly TriedStep[]): number {
  return Math.max(0, ...tried.filter((t) => t.sustainable).map((t) => t.rate));
}
