/**
 * The crash-point matrix: every saga path once without a crash (its reference), then once per crash
 * point with the order worker killed (SIGKILL, by the armed crash point) right after that step committed
 * and before Temporal recorded it, restarted, and the order's end compared with the reference.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { orderSummary } from '../../contracts/order';
import type { OrderSagaResult } from '../../contracts/order-messages';
import type { orderSaga } from '../../workflows';
import { orderWorkflowId } from '../../workflows/messages';
import { seedProduct, uniqueOrderId, uniqueSku } from '../support/catalog';
import type { CrashLane } from './lane';
import { differences, observe } from './observe';
import type { ObserveContext, Observed } from './observe';
import { STOCK } from './paths';
import type { CrashPath } from './paths';

export interface Cell {
  path: CrashPath;
  /** Undefined for the path's reference run. */
  point?: string;
  orderId: string;
}

export interface CellResult {
  cell: Cell;
  observed?: Observed;
  /** Empty when the cell passed. */
  problems: string[];
}

export interface MatrixContext extends ObserveContext {
  client: Client;
  pool: Pool;
}

// A killed worker's workflow task is retried once Temporal times it out (10 s); a saga then finishes in
// about a second. Generous bounds: the machine is shared.
const CRASH_WITHIN_MS = 60_000;
const repoRoot = path.resolve(__dirname, '../..');
const RESULT_WITHIN_MS = 180_000;

export function cellsOf(paths: readonly CrashPath[]): { references: Cell[]; crashes: Cell[] } {
  return {
    references: paths.map((path) => ({ path, orderId: uniqueOrderId('crash-ref') })),
    crashes: paths.flatMap((path) =>
      path.points.map((point) => ({ path, point, orderId: uniqueOrderId('crash') })),
    ),
  };
}

const armOf = (cell: Cell | undefined) => (cell?.point ? `${cell.point}@${cell.orderId}` : undefined);

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms);
    }),
  ]);
}

async function outboxHas(pool: Pool, orderId: string, type: string): Promise<void> {
  for (;;) {
    const { rowCount } = await pool.query(
      'SELECT 1 FROM outbox_events WHERE message_key = $1 AND type = $2',
      [orderId, type],
    );
    if (rowCount) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const stack = (command: 'up' | 'down') =>
  promisify(execFile)('bash', [path.join(repoRoot, 'stack', command), 'localstripe'], { cwd: repoRoot });
const paymentServer = {
  stop: async () => void (await stack('down')),
  start: async () => void (await stack('up')),
};

/** Runs one cell on `lane`, leaving the lane's worker armed for `next`. */
async function runCell(
  ctx: MatrixContext,
  lane: CrashLane,
  cell: Cell,
  next: Cell | undefined,
  reference: (path: CrashPath) => Observed | undefined,
): Promise<CellResult> {
  const sku = uniqueSku('CRASH');
  await seedProduct(ctx.pool, sku, 1_500, STOCK);
  const order = { ...cell.path.order(sku), orderId: cell.orderId };
  await lane.arm(armOf(cell));
  const problems: string[] = [];
  await cell.path.before?.({ outboxHas: (type) => outboxHas(ctx.pool, order.orderId, type), paymentServer });
  const handle = await ctx.client.workflow.start<typeof orderSaga>('orderSaga', {
    taskQueue: lane.taskQueue,
    workflowId: orderWorkflowId(order.orderId),
    args: [{ order, options: {} }],
    staticSummary: orderSummary(order),
  });
  const driving = cell.path
    .drive?.({ handle, outboxHas: (type) => outboxHas(ctx.pool, order.orderId, type), paymentServer })
    .catch((err: unknown) => problems.push(`the operator's call failed: ${String(err)}`));
  if (cell.point) {
    const missed = await lane.crashed(CRASH_WITHIN_MS);
    if (missed) problems.push(missed);
  }
  // Armed for the next cell's order: inert for this one, which now finishes on the restarted worker.
  await lane.arm(armOf(next));
  let result: OrderSagaResult;
  try {
    result = await within(handle.result(), RESULT_WITHIN_MS, 'the saga ending');
    await within(Promise.resolve(driving), 30_000, "the operator's call returning");
  } catch (err) {
    return { cell, problems: [...problems, String(err)] };
  }
  const observed = await observe(ctx, order.orderId, sku, order.contact.email, result);
  const expected = reference(cell.path) ?? observed;
  return { cell, observed, problems: [...problems, ...differences(observed, expected, STOCK)] };
}

/** Runs `cells` spread over `lanes` (each lane in turn), the references first. */
export async function runMatrix(
  ctx: MatrixContext,
  lanes: CrashLane[],
  references: Cell[],
  crashes: Cell[],
  onResult: (result: CellResult) => void = () => undefined,
): Promise<CellResult[]> {
  const observedReference = new Map<CrashPath, Observed>();
  const runLane = async (lane: CrashLane, queue: Cell[]) => {
    const done: CellResult[] = [];
    for (let k = 0; k < queue.length; k++) {
      const result = await runCell(ctx, lane, queue[k]!, queue[k + 1], (p) => observedReference.get(p));
      onResult(result);
      done.push(result);
    }
    return done;
  };
  const run = async (cells: Cell[]) => {
    const queues = lanes.map((_, i) => cells.filter((__, j) => j % lanes.length === i));
    const results = await Promise.all(queues.map((queue, i) => runLane(lanes[i]!, queue)));
    // In the order of `cells` (path by path, crash points as the saga reaches them), not of the lanes.
    return results.flat().sort((a, b) => cells.indexOf(a.cell) - cells.indexOf(b.cell));
  };
  const remember = (results: CellResult[]) => {
    for (const result of results) {
      if (!result.cell.point && result.observed) observedReference.set(result.cell.path, result.observed);
    }
    return results;
  };
  const alone = (cell: Cell) => cell.path.outage === true;
  const shared = remember(await run(references.filter((c) => !alone(c))));
  const crashed = await run(crashes.filter((c) => !alone(c)));
  // Outages touch every lane's orders: those cells run one at a time, on one lane, once the rest is done.
  const outages: CellResult[] = [];
  for (const cell of [...references, ...crashes].filter(alone)) {
    const [result] = remember(await runLane(lanes[0]!, [cell]));
    outages.push(result!);
  }
  return [...shared, ...crashed, ...outages];
}

/** The matrix as a table: one row per path and crash point, with what the order ended as. */
export function formatMatrix(results: readonly CellResult[]): string {
  const rows = results.map(({ cell, observed, problems }) => [
    cell.path.name,
    cell.point ?? '(no crash)',
    observed ? `${observed.status}${observed.reason ? ` (${observed.reason})` : ''}` : 'did not end',
    observed ? `${observed.events.length} events` : '',
    observed ? `stock ${observed.available}/${STOCK}` : '',
    observed?.provider
      ? `${observed.payment} / provider ${observed.provider.intent}`
      : (observed?.payment ?? 'no payment'),
    observed ? `${observed.mails.length} mail` : '',
    problems.length === 0 ? 'ok' : `FAIL: ${problems.join('; ')}`,
  ]);
  const header = ['path', 'crash point', 'outcome', 'events', 'stock', 'payment', 'mail', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min(r[i]!.length, 60))));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}
