import { formatMs, percentile, summarize } from '../../bench/latency-stats';

describe('benchmark latency percentiles', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('takes the nearest rank, so every percentile is a latency that was observed', () => {
    expect(percentile(oneToHundred, 0.5)).toBe(50);
    expect(percentile(oneToHundred, 0.95)).toBe(95);
    expect(percentile(oneToHundred, 0.99)).toBe(99);
    expect(percentile([10, 20, 30], 0.5)).toBe(20);
    expect(percentile([10, 20, 30], 0.99)).toBe(30);
  });

  it('answers NaN for no values rather than a latency of zero', () => {
    expect(percentile([], 0.5)).toBeNaN();
    expect(summarize([])).toBeUndefined();
  });

  it('summarizes unsorted values without changing the caller’s array', () => {
    const values = [300, 100, 200, 1000];
    expect(summarize(values)).toEqual({ count: 4, p50: 200, p95: 1000, p99: 1000, max: 1000 });
    expect(values).toEqual([300, 100, 200, 1000]);
  });

  it('prints whole milliseconds from 10 ms up, one decimal below, and a dash for a missing figure', () => {
    expect(formatMs(1234.6)).toBe('1235');
    expect(formatMs(4.26)).toBe('4.3');
    expect(formatMs(NaN)).toBe('-');
  });
});
