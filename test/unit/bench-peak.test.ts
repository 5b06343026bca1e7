import type { StepSample } from '../../harness/tracker';
import { judgeStep, nextRate, peakOf, slope } from '../../bench/peak';

/** One sample a second for `seconds`, offering `rate`/s and completing `done(t)` by second t. */
function samples(seconds: number, rate: number, done: (t: number) => number, failed = 0): StepSample[] {
  return Array.from({ length: seconds + 1 }, (_, t) => ({
    atS: t,
    offered: Math.round(rate * t),
    failed: t === seconds ? failed : 0,
    settled: Math.max(0, Math.round(done(t))),
  }));
}

const options = { startRate: 4, maxRate: 100, growth: 1.5, maxSteps: 12 };

describe('benchmark peak decision', () => {
  it('fits the slope of a line', () => {
    expect(slope([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x })))).toBeCloseTo(2);
    expect(slope([{ x: 1, y: 3 }])).toBe(0);
  });

  it('judges a step sustainable when completions keep pace after the latency ramp and it drains', () => {
    // Two seconds of latency: completions trail the offers by a constant amount.
    const verdict = judgeStep(
      10,
      samples(20, 10, (t) => 10 * (t - 2)),
      1.5,
    );
    expect(verdict.sustainable).toBe(true);
    expect(verdict.completionRate).toBeCloseTo(10);
    expect(verdict.backlogGrowthPerS).toBeCloseTo(0);
    expect(verdict.reasons).toEqual([]);
  });

  it('judges a step unsustainable when completions fall behind and the backlog grows', () => {
    const verdict = judgeStep(
      20,
      samples(20, 20, (t) => 12 * t),
      8,
    );
    expect(verdict.sustainable).toBe(false);
    expect(verdict.completionRate).toBeCloseTo(12);
    expect(verdict.backlogGrowthPerS).toBeCloseTo(8);
    expect(verdict.reasons.join('; ')).toMatch(/completions 12.0\/s < 90% of offered; backlog grew 8.0\/s/);
  });

  it('tolerates the wobble of a few orders in flight at a low rate', () => {
    // Completions arrive in bursts of ±3 around the offered line: noise, not a growing backlog.
    const wobble = [0, 3, -3, 2, -2, 3, -3, 1, -1, 2, -2];
    const verdict = judgeStep(
      8,
      samples(20, 8, (t) => 8 * (t - 1) + (wobble[t - 10] ?? 0)),
      0.5,
    );
    expect(verdict.sustainable).toBe(true);
  });

  it('judges a step unsustainable when more than 1% of submissions failed, or it did not drain', () => {
    const failing = judgeStep(
      10,
      samples(20, 10, (t) => 10 * (t - 1), 5),
      1,
    );
    expect(failing.sustainable).toBe(false);
    expect(failing.reasons).toEqual(['2.5% of submissions failed']);
    const stuck = judgeStep(
      10,
      samples(20, 10, (t) => 10 * (t - 1)),
      undefined,
    );
    expect(stuck.reasons).toEqual(['did not drain']);
  });

  it('grows the rate while steps hold, up to the cap', () => {
    expect(nextRate([], options)).toBe(4);
    expect(nextRate([{ rate: 4, sustainable: true }], options)).toBe(6);
    expect(nextRate([{ rate: 80, sustainable: true }], options)).toBe(100);
    expect(nextRate([{ rate: 100, sustainable: true }], options)).toBeUndefined();
  });

  it('tries the geometric middle once when the first failure leaves a wide bracket, then stops', () => {
    const tried = [
      { rate: 4, sustainable: true },
      { rate: 6, sustainable: true },
      { rate: 9, sustainable: false },
    ];
    expect(nextRate(tried, options)).toBe(7.3);
    expect(nextRate([...tried, { rate: 7.3, sustainable: true }], options)).toBeUndefined();
    expect(nextRate([...tried, { rate: 7.3, sustainable: false }], options)).toBeUndefined();
    expect(peakOf([...tried, { rate: 7.3, sustainable: true }])).toBe(7.3);
  });

  it('halves from the start rate when not even the first step holds, and gives up below 0.5/s', () => {
    expect(nextRate([{ rate: 4, sustainable: false }], options)).toBe(2);
    expect(nextRate([{ rate: 0.8, sustainable: false }], options)).toBeUndefined();
    expect(peakOf([{ rate: 4, sustainable: false }])).toBe(0);
  });

  it('stops after the maximum number of steps', () => {
    const tried = Array.from({ length: 12 }, (_, i) => ({ rate: i + 1, sustainable: true }));
    expect(nextRate(tried, options)).toBeUndefined();
  });
});
