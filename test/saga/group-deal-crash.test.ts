/**
 * A group deal whose worker is killed (SIGKILL) while it settles: a restarted worker finishes the
 * settlement, and every participant is charged exactly once — one captured PaymentIntent each, none held.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { GroupDealTerms } from '../../contracts/group-deal';
import { groupWorkflowId } from '../../contracts/group-deal';
import { createPaymentClient } from '../../platform/payments';
import type { groupBuy } from '../../workflows';
import { availableStock, seedProduct, uniqueSku } from '../support/catalog';
import { joinDeal, joinRequest } from '../support/group-deals';
import { startOrderWorkerProcess as startWorker } from '../support/order-worker-process';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';

jest.setTimeout(240_000);

let h: SagaHarness;
let stripe: Stripe;
const children: ChildProcess[] = [];

/** The real order worker (which runs the deals too), as its own process: the process this test kills. */
function startOrderWorkerProcess(): ChildProcess {
  const child = startWorker(h.config);
  children.push(child);
  return child;
}

beforeAll(async () => {
  h = await startSagaHarness({ orderWorker: false });
  stripe = createPaymentClient(h.config);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await h?.stop();
});

describe('a group deal when its worker is killed mid-settlement', () => {
  it('settles on a restarted worker with exactly one capture per participant', async () => {
    const sku = uniqueSku('CRASH');
    await seedProduct(h.pool, sku, 2_000, 10);
    const terms: GroupDealTerms = {
      dealId: `c${randomUUID().slice(0, 10)}`,
      sku,
      productName: 'Crash mug',
      groupPriceMinor: 1_500,
      currency: 'EUR',
      targetSize: 4,
      maxSize: 4,
      deadline: new Date(Date.now() + 10 * 60 * 1000).toISOString(),
      leaderCustomerId: 'leader',
    };
    const join = (customerId: string) =>
      joinDeal(h.client, h.config.temporal.orderTaskQueue, terms, joinRequest(customerId));

    const first = startOrderWorkerProcess();
    for (const customer of ['ann', 'bob', 'cem']) await join(customer);
    // The last join forms the deal: the settlement starts right after it, on this worker.
    await join('dan');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    startOrderWorkerProcess();

    const result = await h.client.workflow.getHandle<typeof groupBuy>(groupWorkflowId(terms.dealId)).result();
    expect(result.status).toBe('formed');
    const orderIds = result.participants.map((p) => p.orderId);
    expect(result.participants.map((p) => p.status)).toEqual(['charged', 'charged', 'charged', 'charged']);

    const intents = new Map<string, Stripe.PaymentIntent[]>(orderIds.map((id) => [id, []]));
    for await (const intent of stripe.paymentIntents.list({ limit: 100 })) {
      intents.get(intent.metadata.orderId ?? '')?.push(intent);
    }
    for (const id of orderIds) {
      const statuses = (intents.get(id) ?? []).map((i) => i.status).filter((s) => s !== 'canceled');
      expect([id, statuses]).toEqual([id, ['succeeded']]);
    }
    expect(await availableStock(h.pool, sku)).toBe(6);
    const { rows } = await h.pool.query<{ status: string }>(
      'SELECT status FROM reservations WHERE order_id = ANY($1)',
      [orderIds],
    );
    expect(rows.map((r) => r.status)).toEqual(['committed', 'committed', 'committed', 'committed']);
  });
});
