/**
 * The chaos run's short variant: one kill -9 of each kind (order worker, bridge worker, Temporal, Kafka,
 * PostgreSQL) under a steady load of a few dozen orders through the HTTP API, then its invariants.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseChaosCli } from '../../chaos/cli';
import { faultKinds } from '../../chaos/faults';
import { chaosPassed, report } from '../../chaos/report';
import type { ChaosResult } from '../../chaos/run';
import { runChaos } from '../../chaos/run';

// The run takes about 90 s. A backlog that never drains would make it wait --drain per fault and at the
// end; past the deadline the run is told to stop, so it still restores what it killed, stops its
// services and reports (as a failure) well before Jest's timeout.
jest.setTimeout(600_000);
const STOP_AFTER_MS = 420_000;

const short = '--orders 30 --rate 1 --warmup 3 --interval 3 --down 2 --drain 60'.split(' ');

afterAll(() => {
  // runChaos restores what it killed; this makes sure of it for the tests that follow.
  execFileSync('bash', [path.resolve(__dirname, '../../stack/up'), 'temporal', 'kafka', 'postgres'], {
    stdio: 'inherit',
  });
});

describe('a short chaos run', () => {
  let result: ChaosResult;
  const progress: string[] = [];

  beforeAll(async () => {
    const cli = parseChaosCli(short);
    if (!('options' in cli)) throw new Error(`bad test options: ${JSON.stringify(cli)}`);
    const deadline = Date.now() + STOP_AFTER_MS;
    result = await runChaos(cli.options, {
      out: { write: (text: string) => progress.push(text) },
      stopRequested: () => (Date.now() > deadline ? 'the test deadline passed' : undefined),
    });
  });

  it('injects and recovers every fault, once each', () => {
    expect(result.faultErrors).toEqual([]);
    expect(result.faults.map((f) => f.kind)).toEqual([...faultKinds]);
    for (const f of result.faults) expect(f.recoveredAt).toBeGreaterThan(f.killedAt);
  });

  it('keeps every invariant (the table says which one broke)', () => {
    if (!chaosPassed(result)) throw new Error([...progress, ...report(result)].join('\n'));
  });

  it('loses no order and leaves none stuck', () => {
    const checks = new Map(result.verification.checks.map((c) => [c.name, c]));
    const accepted = result.ledger.accepted().length;
    expect(result.ledger.all().length).toBeGreaterThanOrEqual(30);
    expect(accepted).toBe(result.ledger.all().length);
    expect(checks.get('orders lost')?.found).toBe('0');
    expect(checks.get('orders stuck in a non-terminal state')?.found).toBe('0');
    const settled = [...result.verification.outcomes.values()].reduce((a, b) => a + b, 0);
    expect(settled).toBe(accepted);
  });

  it('conserves stock exactly per SKU and leaves nothing held', () => {
    const stock = result.verification.checks.filter((c) => c.name.startsWith('stock '));
    expect(stock).toHaveLength(3);
    for (const c of stock) expect(c).toMatchObject({ ok: true });
  });

  it('charges each confirmed order exactly once and no other order, across the kills', () => {
    const money = result.verification.checks.find((c) => c.name.startsWith('payments:'));
    const confirmed = result.verification.outcomes.get('confirmed') ?? 0;
    expect(confirmed).toBeGreaterThan(0);
    expect(money).toMatchObject({ ok: true, found: `${confirmed} captured, 0 held` });
  });

  it("mirrors every order's events contiguously, in order, with one terminal event matching its status", () => {
    const { audit } = result.verification;
    expect(audit.ok).toBe(true);
    expect(audit.orders).toBe(result.ledger.accepted().length);
    expect(audit.problems).toEqual({});
    const matching = result.verification.checks.find((c) => c.name === 'terminal event = final status');
    expect(matching?.ok).toBe(true);
  });
});
