/**
 * The invariants checked once the load has ended and everything drained: every submission accepted,
 * every accepted order settled in Temporal with its terminal event on Kafka saying the same, stock
 * conserved exactly per SKU with nothing left held, every order's event stream whole, each confirmed
 * order charged exactly once and no other order charged, and no service that died on its own.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import type Stripe from 'stripe';
import type { BenchCatalog } from '../harness/catalog';
import { orderBody } from '../harness/catalog';
import type { AuditEvent, AuditSummary } from '../harness/event-audit';
import { auditOrders } from '../harness/event-audit';
import type { OrderSagaResult } from '../contracts/order-messages';
import { isSettled } from '../contracts/order-status';
import { orderWorkflowId } from '../workflows/messages';
import type { OrderLedger, OrderRecord } from './ledger';
import { checkPayments } from './payments-check';
import type { UnexpectedExit } from './services';

export interface Check {
  name: string;
  expected: string;
  found: string;
  ok: boolean;
  /** A few examples to look up when the check failed. */
  examples: string[];
}

export interface Verification {
  checks: Check[];
  ok: boolean;
  /** Final status in Temporal → orders. */
  outcomes: Map<string, number>;
  audit: AuditSummary;
}

type FinalState = { kind: 'settled'; status: string } | { kind: 'open'; status: string } | { kind: 'lost' };

// The saga closes after the customer's mail; a settled order may still be mailing when the load ends.
const CLOSE_WAIT_MS = 60_000;
const PARALLEL_LOOKUPS = 8;

async function finalState(client: Client, orderId: string): Promise<FinalState> {
  const handle = client.workflow.getHandle(orderWorkflowId(orderId));
  try {
    const { status } = await handle.describe();
    if (status.name !== 'COMPLETED') return { kind: 'open', status: status.name.toLowerCase() };
    const result = (await handle.result()) as OrderSagaResult;
    return isSettled(result.status)
      ? { kind: 'settled', status: result.status }
      : { kind: 'open', status: result.status };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { kind: 'lost' };
    throw err;
  }
}

/** Every accepted order's final state, waiting a while for sagas that are still finishing their mail. */
async function finalStates(
  client: Client,
  orders: readonly OrderRecord[],
  closeWaitMs: number,
): Promise<Map<string, FinalState>> {
  const states = new Map<string, FinalState>();
  const deadline = Date.now() + closeWaitMs;
  let todo = orders.map((o) => o.orderId ?? '');
  for (;;) {
    for (let i = 0; i < todo.length; i += PARALLEL_LOOKUPS) {
      const batch = todo.slice(i, i + PARALLEL_LOOKUPS);
      const found = await Promise.all(batch.map((id) => finalState(client, id)));
      batch.forEach((id, j) => states.set(id, found[j] ?? { kind: 'lost' }));
    }
    todo = todo.filter((id) => states.get(id)?.kind === 'open');
    if (todo.length === 0 || Date.now() >= deadline) return states;
    await sleep(2_000);
  }
}

const terminalStatusOf: Record<string, string> = {
  'order.confirmed': 'confirmed',
  'order.rejected': 'rejected',
  'order.cancelled': 'cancelled',
};

interface StockRow {
  sku: string;
  available: number;
  committed: string;
  held: string;
}

export interface VerifyDeps {
  ledger: OrderLedger;
  temporal: Client;
  pool: Pool;
  catalog: BenchCatalog;
  eventsBySubject: ReadonlyMap<string, readonly AuditEvent[]>;
  unparseableEvents: number;
  unexpectedExits: readonly UnexpectedExit[];
  /** The payment provider, for the money check (orders carry a payment method). */
  stripe?: Stripe;
  /** How long to wait for sagas still closing (default a minute). */
  closeWaitMs?: number;
}

const check = (
  name: string,
  expected: string,
  found: string,
  ok: boolean,
  examples: string[] = [],
): Check => ({
  name,
  expected,
  found,
  ok,
  examples: examples.slice(0, 5),
});

export async function verify(deps: VerifyDeps): Promise<Verification> {
  const { ledger, catalog } = deps;
  const checks: Check[] = [];
  const all = ledger.all();
  const accepted = ledger.accepted();
  const gaveUp = all.filter((o) => o.gaveUp);
  checks.push(
    check(
      'submissions accepted',
      `${all.length}`,
      `${accepted.length}${gaveUp.length ? ` (${gaveUp.length} given up)` : ''}`,
      gaveUp.length === 0 && accepted.length === all.length,
      gaveUp.map((o) => `${o.customerId}: ${o.gaveUp ?? ''}`),
    ),
  );

  const states = await finalStates(deps.temporal, accepted, deps.closeWaitMs ?? CLOSE_WAIT_MS);
  const outcomes = new Map<string, number>();
  const lost: string[] = [];
  const stuck: string[] = [];
  for (const [orderId, state] of states) {
    if (state.kind === 'lost') lost.push(orderId);
    else if (state.kind === 'open') stuck.push(`${orderId} (${state.status})`);
    else outcomes.set(state.status, (outcomes.get(state.status) ?? 0) + 1);
  }
  const settled = [...outcomes.values()].reduce((a, b) => a + b, 0);
  const breakdown = [...outcomes].map(([s, n]) => `${n} ${s}`).join(', ');
  checks.push(
    check(
      'orders settled (Temporal)',
      `${accepted.length}`,
      `${settled}${breakdown ? ` (${breakdown})` : ''}`,
      settled === accepted.length,
      [...lost, ...stuck],
    ),
  );
  checks.push(check('orders lost', '0', `${lost.length}`, lost.length === 0, lost));
  checks.push(
    check('orders stuck in a non-terminal state', '0', `${stuck.length}`, stuck.length === 0, stuck),
  );

  const mismatched = accepted.filter((o) => {
    const state = states.get(o.orderId ?? '');
    return state?.kind === 'settled' && terminalStatusOf[o.outcome ?? ''] !== state.status;
  });
  checks.push(
    check(
      'terminal event = final status',
      `${settled}`,
      `${settled - mismatched.length}`,
      mismatched.length === 0,
      mismatched.map(
        (o) =>
          `${o.orderId ?? ''}: event ${o.outcome ?? 'none'}, status ${(states.get(o.orderId ?? '') as { status?: string }).status ?? '?'}`,
      ),
    ),
  );

  const audit = auditOrders(
    accepted.map((o) => o.orderId ?? ''),
    deps.eventsBySubject,
  );
  const problems = Object.entries(audit.problems)
    .map(([p, n]) => `${n} ${p.replace(/_/g, ' ')}`)
    .join(', ');
  checks.push(
    check(
      'events contiguous, in order, one terminal',
      `${audit.orders} orders`,
      audit.ok ? `${audit.events} events, ${audit.duplicates} duplicates` : problems,
      audit.ok && deps.unparseableEvents === 0,
      [
        ...audit.examples,
        ...(deps.unparseableEvents ? [`${deps.unparseableEvents} unparseable events`] : []),
      ],
    ),
  );

  // Units the confirmed orders took, per SKU: what the committed reservations must add up to.
  const sold = new Map<string, number>();
  for (const o of accepted) {
    const state = states.get(o.orderId ?? '');
    if (state?.kind !== 'settled' || state.status !== 'confirmed') continue;
    for (const line of orderBody(o.path, o.customerId, catalog).lines) {
      sold.set(line.sku, (sold.get(line.sku) ?? 0) + line.quantity);
    }
  }
  const products = [catalog.plenty, catalog.review, catalog.lowStock];
  const { rows } = await deps.pool.query<StockRow>(
    `SELECT s.sku, s.available,
            COALESCE(sum(l.quantity) FILTER (WHERE r.status = 'committed'), 0) AS committed,
            COALESCE(sum(l.quantity) FILTER (WHERE r.status = 'reserved'), 0) AS held
       FROM stock s
       LEFT JOIN reservation_lines l ON l.sku = s.sku
       LEFT JOIN reservations r ON r.order_id = l.order_id
      WHERE s.sku = ANY($1)
      GROUP BY s.sku, s.available`,
    [products.map((p) => p.sku)],
  );
  for (const product of products) {
    const row = rows.find((r) => r.sku === product.sku);
    const committed = Number(row?.committed ?? 0);
    const held = Number(row?.held ?? 0);
    const available = row?.available ?? Number.NaN;
    const expectedSold = sold.get(product.sku) ?? 0;
    const ok = available + committed === product.available && held === 0 && committed === expectedSold;
    checks.push(
      check(
        `stock ${product.sku}: available + committed`,
        `${product.available}, ${expectedSold} committed, 0 held`,
        `${available} + ${committed} = ${available + committed}, ${held} held`,
        ok,
      ),
    );
  }

  if (deps.stripe && catalog.paymentMethod) {
    const prices = new Map(products.map((p) => [p.sku, p.priceMinor]));
    const settledOrders = accepted.flatMap((o) => {
      const state = states.get(o.orderId ?? '');
      if (state?.kind !== 'settled' || !o.orderId) return [];
      const totalMinor = orderBody(o.path, o.customerId, catalog).lines.reduce(
        (sum, line) => sum + (prices.get(line.sku) ?? 0) * line.quantity,
        0,
      );
      return [{ orderId: o.orderId, status: state.status, totalMinor }];
    });
    const money = await checkPayments(deps.stripe, settledOrders);
    const confirmed = outcomes.get('confirmed') ?? 0;
    checks.push(
      check(
        'payments: captured once per confirmed order, none held',
        `${confirmed} captured, 0 held`,
        money.wrong.length === 0
          ? `${money.captured} captured, 0 held`
          : `${money.wrong.length} orders wrong`,
        money.wrong.length === 0 && money.captured === confirmed,
        money.wrong,
      ),
    );
  }

  const exits = deps.unexpectedExits;
  checks.push(
    check(
      'services that died on their own',
      '0',
      `${exits.length}`,
      exits.length === 0,
      exits.map((e) => `${e.service} (${e.how}): ${e.logTail.split('\n').slice(-3).join(' | ')}`),
    ),
  );
  return { checks, ok: checks.every((c) => c.ok), outcomes, audit };
}
