import { createPathPicker, describeMix, parseMix } from '../../harness/mix';

describe('benchmark order mix', () => {
  it('parses weights and leaves unnamed paths at zero', () => {
    expect(parseMix('happy=95,short=5')).toEqual({ happy: 95, review: 0, cancel: 0, short: 5 });
  });

  it('refuses unknown paths, malformed parts and an all-zero mix', () => {
    expect(() => parseMix('happy=90,fraud=10')).toThrow(/"fraud=10" is not <path>=<weight>/);
    expect(() => parseMix('happy')).toThrow(/not <path>=<weight>/);
    expect(() => parseMix('happy=0')).toThrow(/at least one weight/);
  });

  it('picks each path in proportion to its weight over every full cycle', () => {
    const pick = createPathPicker(parseMix('happy=90,review=4,cancel=3,short=3'));
    const counts = { happy: 0, review: 0, cancel: 0, short: 0 };
    for (let i = 0; i < 200; i++) counts[pick()]++;
    expect(counts).toEqual({ happy: 180, review: 8, cancel: 6, short: 6 });
  });

  it('spreads the rare paths out instead of bunching them', () => {
    const pick = createPathPicker(parseMix('happy=90,review=10'));
    const picks = Array.from({ length: 100 }, () => pick());
    const reviews = picks.flatMap((p, i) => (p === 'review' ? [i] : []));
    const gaps = reviews.slice(1).map((at, i) => at - (reviews[i] ?? 0));
    expect(gaps.every((g) => g === 10)).toBe(true);
  });

  it('never picks a path of weight zero', () => {
    const pick = createPathPicker(parseMix('short=1'));
    expect(new Set(Array.from({ length: 10 }, () => pick()))).toEqual(new Set(['short']));
  });

  it('describes the mix in percent', () => {
    expect(describeMix(parseMix('happy=18,review=2'))).toBe('90% happy, 10% review');
  });
});
