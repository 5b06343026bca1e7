/** The chaos run's verdicts, fed by hand: a lost, stuck or drifted order must fail the run. */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Pool } from 'pg';
import { benchCatalog } from '../../harness/catalog';
import type { AuditEvent } from '../../harness/event-audit';
import type { FaultRecord } from '../../chaos/faults';
import { OrderLedger } from '../../chaos/ledger';
import { verify } from '../../chaos/verify';
import { faultWindow } from '../../chaos/windows';

const catalog = benchCatalog('unit', { highAmountMinor: 50_000 } as Parameters<typeof benchCatalog>[1]);

/** A Temporal client that knows the given final statuses by order id; any other order does not exist. */
function fakeTemporal(final: Record<string, string>): Client {
  const getHandle = (workflowId: string) => {
    const orderId = workflowId.replace(/^order-/, '');
    const status = final[orderId];
    return {
      describe: () =>
        status === undefined
          ? Promise.reject(new WorkflowNotFoundError('not found', workflowId, undefined))
          : Promise.resolve({ status: { name: status === 'running' ? 'RUNNING' : 'COMPLETED' } }),
      result: () => Promise.resolve({ orderId, status }),
    };
  };
  return { workflow: { getHandle } } as unknown as Client;
}

/** Stock as the database would report it after `sold` plenty units were committed. */
function fakePool(sold: number, held = 0): Pool {
  const rows = [
    {
      sku: catalog.plenty.sku,
      available: catalog.plenty.available - sold - held,
      committed: `${sold}`,
      held: `${held}`,
    },
    { sku: catalog.review.sku, available: catalog.review.available, committed: '0', held: '0' },
    { sku: catalog.lowStock.sku, available: catalog.lowStock.available, committed: '0', held: '0' },
  ];
  return { query: () => Promise.resolve({ rows }) } as unknown as Pool;
}

/** Events of a confirmed order as the relay publishes them. */
function confirmedEvents(orderId: string): AuditEvent[] {
  return [
    'order.created',
    'inventory.reserved',
    'fraud.assessed',
    'order.confirmed',
    'notification.sent',
  ].map((type, i) => ({ id: `order-${orderId}:${i + 1}`, type, subject: orderId, sequence: i + 1 }));
}

function happyLedger(orderIds: string[]): OrderLedger {
  const ledger = new OrderLedger();
  orderIds.forEach((orderId, i) => {
    const record = ledger.offer(`key-${i}`, 'happy', `chaos-unit-happy-${i}`, 1_000 + i);
    ledger.attempt(record, { at: 1_010 + i, tookMs: 10, accepted: true, cause: '202' });
    ledger.accept(record, orderId, 1_010 + i);
    ledger.settle(orderId, 'order.confirmed', 2_000 + i);
  });
  return ledger;
}

async function run(final: Record<string, string>, sold: number, ids = ['a', 'b']) {
  const events = new Map(ids.map((id) => [id, confirmedEvents(id)]));
  return verify({
    ledger: happyLedger(ids),
    temporal: fakeTemporal(final),
    pool: fakePool(sold),
    catalog,
    eventsBySubject: events,
    unparseableEvents: 0,
    unexpectedExits: [],
    // No minute of grace for sagas still closing: the fake ones never will.
    closeWaitMs: 0,
  });
}

const found = (v: Awaited<ReturnType<typeof run>>, name: string) => v.checks.find((c) => c.name === name);

describe('chaos run verdicts', () => {
  it('passes when every order settled, its event agrees and the stock adds up', async () => {
    const v = await run({ a: 'confirmed', b: 'confirmed' }, 2);
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it('fails on an accepted order Temporal does not know (lost)', async () => {
    const v = await run({ a: 'confirmed' }, 1);
    expect(v.ok).toBe(false);
    expect(found(v, 'orders lost')).toMatchObject({ ok: false, found: '1', examples: ['b'] });
  });

  it('fails on a saga that never reached a terminal status (stuck)', async () => {
    const v = await run({ a: 'confirmed', b: 'running' }, 1);
    expect(found(v, 'orders stuck in a non-terminal state')).toMatchObject({ ok: false, found: '1' });
    expect(v.ok).toBe(false);
  });

  it('fails when committed stock differs from what the confirmed orders took', async () => {
    const v = await run({ a: 'confirmed', b: 'confirmed' }, 3);
    expect(found(v, `stock ${catalog.plenty.sku}: available + committed`)).toMatchObject({ ok: false });
    expect(v.ok).toBe(false);
  });

  it('fails when an order has no terminal event, or a different one than its status', async () => {
    const v = await run({ a: 'confirmed', b: 'cancelled' }, 1);
    expect(found(v, 'terminal event = final status')).toMatchObject({ ok: false });
  });
});

describe('chaos fault windows', () => {
  const fault: FaultRecord = {
    kind: 'postgres',
    target: 'postgres',
    pid: 1,
    killedAt: 10_000,
    restartAt: 12_000,
    recoveredAt: 14_000,
  };

  it('measures the refusal from the first refused submission to the first accepted one after it', () => {
    const attempts = [
      { at: 9_000, tookMs: 5, accepted: false, cause: 'before the fault' },
      { at: 10_500, tookMs: 5, accepted: true, cause: '202' },
      { at: 11_000, tookMs: 5, accepted: false, cause: '503 service_unavailable' },
      { at: 12_000, tookMs: 900, accepted: false, cause: '503 service_unavailable' },
      { at: 14_500, tookMs: 40, accepted: true, cause: '202' },
    ];
    const w = faultWindow(fault, Infinity, attempts, []);
    expect(w.refusedS).toBe(3.5);
    expect(w.refusals).toEqual(new Map([['503 service_unavailable', 2]]));
    expect(w.slowestS).toBe(0.9);
    expect(w.neverAcceptedAgain).toBe(false);
  });

  it('drains when the last order offered before the recovery had its terminal event published', () => {
    const ledger = happyLedger(['a', 'b', 'c']);
    const [a, b, c] = ledger.all();
    if (!a || !b || !c) throw new Error('three orders expected');
    a.publishedAt = 9_000; // settled before the kill: not part of the backlog
    b.publishedAt = 16_000;
    c.firstSentAt = 20_000; // offered after the recovery: not part of it either
    expect(faultWindow(fault, Infinity, [], ledger.all())).toMatchObject({ backlog: 1, drainedS: 6 });
    b.publishedAt = undefined;
    b.settledAt = undefined;
    expect(faultWindow(fault, Infinity, [], ledger.all()).drainedS).toBeUndefined();
  });
});
