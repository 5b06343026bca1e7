/**
 * groupBuy against the real stack: stock in PostgreSQL, payments on the stack's payment server, events
 * through the outbox. Joins race for the last places, declines refuse only their join, a formed deal
 * captures every participant once, a failed or cancelled one voids and releases everything.
 */
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { GroupDealTerms, JoinRequest } from '../../contracts/group-deal';
import { groupWorkflowId } from '../../contracts/group-deal';
import { createPaymentClient } from '../../platform/payments';
import type { groupBuy } from '../../workflows';
import { cancelDealUpdate } from '../../workflows/group-messages';
import { DealSkuKey, DealStatusKey } from '../../workflows/search-attributes';
import { availableStock, seedProduct, uniqueSku } from '../support/catalog';
import { joinDeal, joinRequest } from '../support/group-deals';
import { recordHistory } from '../support/histories';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';

jest.setTimeout(180_000);

let h: SagaHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startSagaHarness();
  stripe = createPaymentClient(h.config);
});
afterAll(async () => {
  await h?.stop();
});

async function deal(
  targetSize: number,
  maxSize: number,
  deadlineInMs: number,
  stock = 10,
): Promise<GroupDealTerms> {
  const sku = uniqueSku('GRP');
  await seedProduct(h.pool, sku, 2_000, stock);
  return {
    dealId: `d${randomUUID().slice(0, 12)}`,
    sku,
    productName: `Test product ${sku}`,
    groupPriceMinor: 1_500,
    currency: 'EUR',
    targetSize,
    maxSize,
    deadline: new Date(Date.now() + deadlineInMs).toISOString(),
    leaderCustomerId: 'leader',
  };
}

const joiner = joinRequest;

function join(terms: GroupDealTerms, request: JoinRequest) {
  return joinDeal(h.client, h.config.temporal.orderTaskQueue, terms, request);
}

const handleOf = (terms: GroupDealTerms) =>
  h.client.workflow.getHandle<typeof groupBuy>(groupWorkflowId(terms.dealId));

/** The status at the provider of each participant order's recorded PaymentIntent. */
async function intentStatuses(orderIds: readonly string[]): Promise<string[]> {
  const { rows } = await h.pool.query<{ order_id: string; payment_intent_id: string }>(
    'SELECT order_id, payment_intent_id FROM payments WHERE order_id = ANY($1) ORDER BY order_id',
    [orderIds],
  );
  expect(rows.map((r) => r.order_id)).toEqual([...orderIds].sort());
  return Promise.all(
    rows.map(async (r) => (await stripe.paymentIntents.retrieve(r.payment_intent_id)).status),
  );
}

async function groupEventTypes(dealId: string): Promise<string[]> {
  const { rows } = await h.pool.query<{ type: string }>(
    `SELECT type FROM outbox_events WHERE message_key = $1 ORDER BY (event->>'sequence')::int`,
    [dealId],
  );
  return rows.map((r) => r.type);
}

describe('group deals on the real stack', () => {
  it('lets exactly the maximum of racing joins in, forms, and captures each participant once', async () => {
    const terms = await deal(3, 3, 60 * 60 * 1000);
    const outcomes = await Promise.allSettled(
      ['ann', 'bob', 'cem', 'dan', 'eve'].map((customer) => join(terms, joiner(customer))),
    );
    const joined = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(joined).toHaveLength(3);
    expect(refused.map((r) => (r.reason as Error).cause?.toString() ?? String(r.reason))).toEqual([
      expect.stringMatching(/full \(3 participants\)|is forming|is formed/),
      expect.stringMatching(/full \(3 participants\)|is forming|is formed/),
    ]);

    const result = await handleOf(terms).result();
    await recordHistory(handleOf(terms), 'group-formed');
    expect(result.status).toBe('formed');
    // Operators find the deal by SKU and state in the Temporal UI.
    const { typedSearchAttributes } = await handleOf(terms).describe();
    expect([typedSearchAttributes.get(DealSkuKey), typedSearchAttributes.get(DealStatusKey)]).toEqual([
      terms.sku,
      'formed',
    ]);
    const orderIds = result.participants.filter((p) => p.status === 'charged').map((p) => p.orderId);
    expect(orderIds).toHaveLength(3);
    const intents = await intentStatuses(orderIds);
    expect(intents).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(await availableStock(h.pool, terms.sku)).toBe(7);
    expect(await groupEventTypes(terms.dealId)).toEqual([
      'group.opened',
      'group.joined',
      'group.joined',
      'group.joined',
      'group.formed',
    ]);
  });

  it('refuses only the join whose card is declined, holding nothing for it', async () => {
    const terms = await deal(2, 4, 60 * 60 * 1000);
    await join(terms, joiner('ann'));
    await expect(join(terms, joiner('bob', 'pm_card_chargeCustomerFail'))).rejects.toThrow();
    expect(await availableStock(h.pool, terms.sku)).toBe(9);
    await join(terms, joiner('cem'));
    const result = await handleOf(terms).result();
    expect(result.status).toBe('formed');
    expect(result.participants.map((p) => [p.customerId, p.status])).toEqual([
      ['ann', 'charged'],
      ['bob', 'released'],
      ['cem', 'charged'],
    ]);
    expect(await availableStock(h.pool, terms.sku)).toBe(8);
  });

  it('fails at its deadline: every authorization voided, every unit released, nobody charged', async () => {
    const terms = await deal(3, 4, 4_000);
    await join(terms, joiner('ann'));
    await join(terms, joiner('bob'));
    expect(await availableStock(h.pool, terms.sku)).toBe(8);
    const result = await handleOf(terms).result();
    await recordHistory(handleOf(terms), 'group-failed');
    expect(result.status).toBe('failed');
    const intents = await intentStatuses(result.participants.map((p) => p.orderId));
    expect(intents).toEqual(['canceled', 'canceled']);
    expect(await availableStock(h.pool, terms.sku)).toBe(10);
    expect((await groupEventTypes(terms.dealId)).at(-1)).toBe('group.failed');
  });

  it('is cancelled by an operator: everyone voided and released', async () => {
    const terms = await deal(3, 4, 60 * 60 * 1000);
    await join(terms, joiner('ann'));
    const after = await handleOf(terms).executeUpdate(cancelDealUpdate, {
      args: [{ reason: 'supplier cannot deliver', requestedBy: 'ops' }],
    });
    expect(after).toMatchObject({
      status: 'cancelled',
      reason: 'the group deal was cancelled: supplier cannot deliver',
    });
    await handleOf(terms).result();
    await recordHistory(handleOf(terms), 'group-cancelled');
    const intents = await intentStatuses(after.participants.map((p) => p.orderId));
    expect(intents).toEqual(['canceled']);
    expect(await availableStock(h.pool, terms.sku)).toBe(10);
  });
});
