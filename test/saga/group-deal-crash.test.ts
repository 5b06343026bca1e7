/**
 * A group deal whose worker is killed (SIGKILL) while it settles: a restarted worker finishes the
 * settlement, and every participant is charged exactly once — one captured PaymentIntent each, none held.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type Stripe from 'stripe';
import type { GroupDealTerms } from '../../contracts/group-deal';
import { groupWorkflowId } from '../../contracts/group-deal';
import { createPaymentClient } from '../../platform/payments';
import type { groupBuy } from '../../workflows';
import { joinDealUpdate } from '../../workflows/group-messages';
import { availableStock, seedProduct, uniqueSku } from '../support/catalog';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';

jest.setTimeout(240_000);

const root = path.resolve(__dirname, '../..');
let h: SagaHarness;
let stripe: Stripe;
const children: ChildProcess[] = [];

/** The real order worker (which runs the deals too), as its own process, on this test's task queues. */
function startOrderWorkerProcess(): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'workers/order-worker-main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        ORDER_TASK_QUEUE: h.config.temporal.orderTaskQueue,
        BRIDGE_TASK_QUEUE: h.config.temporal.bridgeTaskQueue,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
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
      h.client.workflow.executeUpdateWithStart(joinDealUpdate, {
        args: [
          {
            customerId,
            shippingAddress: { name: 'Ada', line1: '1 Row', city: 'London', postalCode: 'N1', country: 'GB' },
            contact: { email: `${customerId}@example.com` },
            payment: { method: 'pm_card_visa' },
          },
        ],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof groupBuy>('groupBuy', {
          taskQueue: h.config.temporal.orderTaskQueue,
          workflowId: groupWorkflowId(terms.dealId),
          args: [{ terms }],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });

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
