import { parseCli } from '../../bench/cli';

describe('benchmark command line', () => {
  it('runs the standard measurement without options', () => {
    const parsed = parseCli([]);
    expect(parsed).toMatchObject({
      options: {
        duration: 60,
        warmup: 15,
        step: 20,
        'peak-only': false,
        'bare-only': false,
      },
    });
    expect('options' in parsed && parsed.options.rate).toBeUndefined();
    expect('options' in parsed && parsed.options.mix).toEqual({ happy: 90, review: 4, cancel: 3, short: 3 });
  });

  it('reads numbers and flags', () => {
    const parsed = parseCli(['--rate', '2', '--duration', '20', '--max-rate=8', '--kafka-outage', '30']);
    expect(parsed).toMatchObject({ options: { rate: 2, duration: 20, 'max-rate': 8, 'kafka-outage': 30 } });
  });

  it('passes the saga step mode through, and only local or remote', () => {
    expect(parseCli(['--step-activities', 'remote'])).toMatchObject({
      options: { 'step-activities': 'remote' },
    });
    expect(parseCli(['--step-activities', 'fast'])).toEqual({
      error: expect.stringMatching(/^--step-activities: /) as string,
    });
  });

  it('answers --help with the usage text', () => {
    const parsed = parseCli(['--help']);
    expect('help' in parsed && parsed.help).toMatch(/^Usage: npm run bench/);
  });

  it('refuses unknown options, bad numbers and contradictory combinations with a message', () => {
    expect(parseCli(['--rat', '2'])).toEqual({
      error: expect.stringMatching(/Unknown option '--rat'/) as string,
    });
    expect(parseCli(['--rate', '0'])).toEqual({ error: expect.stringMatching(/^--rate: /) as string });
    expect(parseCli(['--skip-peak'])).toEqual({ error: '--skip-peak needs --rate' });
    expect(parseCli(['--peak-only', '--kafka-outage', '10'])).toEqual({
      error: expect.stringMatching(/--kafka-outage happens during the latency run/) as string,
    });
    expect(parseCli(['--orders-mix', 'happy=1,odd=2'])).toEqual({
      error: expect.stringMatching(/"odd=2"/) as string,
    });
  });
});
