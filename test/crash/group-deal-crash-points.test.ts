/**
 * A crash at any instant changes nothing, for group deals too: a deal that forms and one that fails, run
 * once without a crash and then with the order worker killed (SIGKILL, by its armed crash point) right
 * after each step of the first participant's order committed. Each must end as without the crash: the
 * deal's outcome, every participant's events 1…n, stock, one capture per participant of a formed deal
 * and none in a failed one, one mail each.
 */
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { GroupDealState, GroupDealTerms } from '../../contracts/group-deal';
import { groupWorkflowId } from '../../contracts/group-deal';
import { createPaymentClient } from '../../platform/payments';
import type { groupBuy } from '../../workflows';
import { availableStock, seedProduct, uniqueSku } from '../support/catalog';
import { joinDeal, joinRequest } from '../support/group-deals';
import { MailInbox } from '../support/mail-inbox';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';
import { CrashLane, laneEnvironment } from './lane';
import { outboxStream } from './observe';

jest.setTimeout(20 * 60_000);

const STOCK = 10;
const LANES = 3;

interface DealPath {
  name: string;
  targetSize: number;
  joiners: number;
  /** How long the deal stays open: a failing deal waits this out. */
  openForMs: number;
  /** Crash points of the first participant's order (`<step>`), or of the deal (`<step>@deal`). */
  points: readonly string[];
}

const dealPaths: readonly DealPath[] = [
  {
    name: 'deal formed',
    targetSize: 2,
    joiners: 2,
    openForMs: 10 * 60_000,
    points: [
      'reserveInventory',
      'authorizePayment',
      'recordGroupEvents:group.formed@deal',
      'capturePayment',
      'commitInventory',
      'sendOrderNotification',
    ],
  },
  {
    name: 'deal failed',
    targetSize: 3,
    joiners: 2,
    openForMs: 12_000,
    points: [
      'voidPayment',
      'releaseInventory',
      'recordOrderEvents:order.cancelled',
      'recordGroupEvents:group.failed@deal',
      'sendOrderNotification',
    ],
  },
];

interface DealCell {
  path: DealPath;
  point?: string;
  dealId: string;
}

interface DealEnd {
  status: string;
  participants: string[];
  dealEvents: string[];
  /** Per participant: event types, payment, the provider's intent, refunds, mails. */
  orders: string[];
  available: number;
  problems: string[];
}

let h: SagaHarness;
let stripe: Stripe;
let environment: Awaited<ReturnType<typeof laneEnvironment>> | undefined;
const lanes: CrashLane[] = [];

beforeAll(async () => {
  h = await startSagaHarness({ orderWorker: false });
  stripe = createPaymentClient(h.config);
  environment = await laneEnvironment();
  for (let i = 0; i < LANES; i++) {
    lanes.push(new CrashLane(`${h.config.temporal.orderTaskQueue}-deals-${i}`, environment.env));
  }
});
afterAll(async () => {
  await Promise.all(lanes.map((lane) => lane.stop()));
  await h?.stop();
  await environment?.remove();
});

function armOf(cell: DealCell): string | undefined {
  if (!cell.point) return undefined;
  return cell.point.endsWith('@deal')
    ? `${cell.point.slice(0, -'@deal'.length)}@${cell.dealId}`
    : `${cell.point}@${cell.dealId}-1`;
}

async function participantEnd(orderId: string, email: string, inbox: MailInbox): Promise<string> {
  const stream = await outboxStream(h.pool, orderId);
  const { rows } = await h.pool.query<{ status: string; payment_intent_id: string | null }>(
    'SELECT status, payment_intent_id FROM payments WHERE order_id = $1',
    [orderId],
  );
  const intentId = rows[0]?.payment_intent_id;
  const provider = intentId
    ? `${(await stripe.paymentIntents.retrieve(intentId)).status}, ${(await stripe.refunds.list({ payment_intent: intentId })).data.length} refunds`
    : 'no intent';
  // At least once, one Message-ID: a kill can catch another participant's mail between the server's
  // accept and its record (it is sent again); copies of one Message-ID are one mail.
  const received = await inbox.to(email);
  const mails = [
    ...new Map(received.map((m) => [m.messageId ?? m.headers?.['message-id'] ?? m.id, m.subject])).values(),
  ]
    .map((subject) => subject.replaceAll(orderId, '{order}'))
    .sort();
  return [
    stream.types.join(' '),
    ...stream.problems,
    rows[0]?.status ?? 'no payment',
    provider,
    mails.join('; '),
  ].join(' | ');
}

async function runCell(lane: CrashLane, cell: DealCell, inbox: MailInbox): Promise<DealEnd> {
  const sku = uniqueSku('DEAL');
  await seedProduct(h.pool, sku, 2_000, STOCK);
  const terms: GroupDealTerms = {
    dealId: cell.dealId,
    sku,
    productName: 'Crash mug',
    groupPriceMinor: 1_500,
    currency: 'EUR',
    targetSize: cell.path.targetSize,
    maxSize: cell.path.targetSize,
    deadline: new Date(Date.now() + cell.path.openForMs).toISOString(),
    leaderCustomerId: 'leader',
  };
  const problems: string[] = [];
  await lane.arm(armOf(cell));
  const customers = Array.from({ length: cell.path.joiners }, () => `c${randomUUID().slice(0, 8)}`);
  // Joins one after another, so the first participant's order is `<deal>-1`.
  const joining = (async () => {
    for (const customer of customers) await joinDeal(h.client, lane.taskQueue, terms, joinRequest(customer));
  })().catch((err: unknown) => problems.push(`a join failed: ${String(err)}`));
  if (cell.point) {
    const missed = await lane.crashed(cell.path.openForMs + 60_000);
    if (missed) problems.push(missed);
    await lane.arm(undefined);
  }
  await joining;
  const result: GroupDealState = await h.client.workflow
    .getHandle<typeof groupBuy>(groupWorkflowId(terms.dealId))
    .result();
  const deal = await outboxStream(h.pool, terms.dealId, groupWorkflowId(terms.dealId));
  const orders = await Promise.all(
    result.participants.map((p, i) => participantEnd(p.orderId, `${customers[i]}@example.com`, inbox)),
  );
  return {
    status: result.status,
    participants: result.participants.map((p) => p.status),
    dealEvents: deal.types,
    orders,
    available: await availableStock(h.pool, sku),
    problems: [...problems, ...deal.problems],
  };
}

describe('a group deal whose worker is killed right after each step', () => {
  it('forms or fails exactly as without the crash', async () => {
    const inbox = new MailInbox(h.config.mail.inboxUrl ?? 'http://127.0.0.1:1080');
    const references: DealCell[] = dealPaths.map((p) => ({
      path: p,
      dealId: `r${randomUUID().slice(0, 10)}`,
    }));
    const crashes: DealCell[] = dealPaths.flatMap((p) =>
      p.points.map((point) => ({ path: p, point, dealId: `k${randomUUID().slice(0, 10)}` })),
    );
    const run = async (cells: DealCell[]) => {
      const ends = new Map<DealCell, DealEnd>();
      await Promise.all(
        lanes.map(async (lane, i) => {
          for (const cell of cells.filter((_, j) => j % lanes.length === i)) {
            ends.set(cell, await runCell(lane, cell, inbox));
          }
        }),
      );
      return ends;
    };
    const referenceEnds = await run(references);
    const crashEnds = await run(crashes);

    const rows: string[] = [];
    const failures: string[] = [];
    for (const cell of [...references, ...crashes]) {
      const end = referenceEnds.get(cell) ?? crashEnds.get(cell)!;
      const reference = referenceEnds.get(references.find((r) => r.path === cell.path)!)!;
      const found = [...end.problems];
      for (const key of ['status', 'participants', 'dealEvents', 'orders', 'available'] as const) {
        if (JSON.stringify(end[key]) !== JSON.stringify(reference[key])) {
          found.push(`${key}: ${JSON.stringify(end[key])} instead of ${JSON.stringify(reference[key])}`);
        }
      }
      const sold = end.status === 'formed' ? end.participants.length : 0;
      if (end.available !== STOCK - sold) found.push(`${end.available} in stock, not ${STOCK - sold}`);
      rows.push(
        `${cell.path.name.padEnd(12)} | ${(cell.point ?? '(no crash)').padEnd(36)} | ${end.status} (${end.participants.join(', ')}) | stock ${end.available}/${STOCK} | ${found.length ? `FAIL: ${found.join('; ')}` : 'ok'}`,
      );
      if (found.length) failures.push(`${cell.path.name} × ${cell.point}: ${found.join('; ')}`);
    }
    process.stdout.write(`\nGroup deal crash-point matrix\n${rows.join('\n')}\n\n`);
    // What a formed deal's participant must end as, whatever the crash: captured once, mailed once.
    const formed = referenceEnds.get(references[0]!)!;
    expect(formed.status).toBe('formed');
    for (const order of formed.orders) expect(order).toMatch(/\| captured \| succeeded, 0 refunds \| .+/);
    const failed = referenceEnds.get(references[1]!)!;
    expect(failed.status).toBe('failed');
    for (const order of failed.orders) expect(order).toMatch(/\| voided \| canceled, 0 refunds \| .+/);
    expect(failures).toEqual([]);
  });
});
