/**
 * The group-deal share workflow on the real n8n: a real deal's group.joined (relayed from the outbox to
 * the group-deal topic) becomes a "N more to go" message at the webhook, and group.failed a notice.
 */
import { randomUUID } from 'node:crypto';
import type { GroupDealTerms } from '../../contracts/group-deal';
import { seedProduct, uniqueSku } from '../support/catalog';
import { joinDeal, joinRequest } from '../support/group-deals';
import { HookReceiver, n8nWorkflows, N8nExecutions, upN8n } from '../support/n8n';
import type { HookCall } from '../support/n8n';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';

jest.setTimeout(180_000);

let h: SagaHarness;
let hooks: HookReceiver;
let n8n: N8nExecutions;

beforeAll(async () => {
  await upN8n({});
  n8n = new N8nExecutions();
  hooks = new HookReceiver();
  await hooks.start();
  h = await startSagaHarness();
}, 300_000);
afterAll(async () => {
  await hooks?.stop();
  await h?.stop();
});

const forDeal = (dealId: string, kind: string) => (call: HookCall) =>
  call.path === '/group-deals' &&
  (call.body as { dealId?: unknown; kind?: unknown } | null)?.dealId === dealId &&
  (call.body as { kind?: unknown }).kind === kind;

describe('group deal share (n8n → group deal webhook)', () => {
  it('posts "1 more to go" when someone joins, and a notice when the deal fails at its deadline', async () => {
    const sku = uniqueSku('N8NGRP');
    await seedProduct(h.pool, sku, 2_000, 5);
    const terms: GroupDealTerms = {
      dealId: `n${randomUUID().slice(0, 10)}`,
      sku,
      productName: 'Group mug',
      groupPriceMinor: 1_500,
      currency: 'EUR',
      targetSize: 3,
      maxSize: 3,
      deadline: new Date(Date.now() + 6_000).toISOString(),
      leaderCustomerId: 'leader',
    };
    const join = (customerId: string) =>
      joinDeal(h.client, h.config.temporal.orderTaskQueue, terms, joinRequest(customerId));
    await join('ann');
    await join('bob');
    const explain = () => n8n.explain(n8nWorkflows.groupDealShare, terms.dealId);

    const share = await hooks.waitFor(forDeal(terms.dealId, 'share'), 'the share message', 60_000, explain);
    expect((share.body as { text: string }).text).toMatch(
      new RegExp(`^Deal ${terms.dealId}: (ann|bob) joined, (2|1) more to go\\. Share it`),
    );
    const failed = await hooks.waitFor(
      forDeal(terms.dealId, 'failed'),
      'the failure notice',
      60_000,
      explain,
    );
    expect(failed.body).toMatchObject({
      text: `Deal ${terms.dealId} did not form: the group deal did not reach 3 participants by ${terms.deadline}. Nobody was charged.`,
      participants: 2,
      needed: 1,
    });
    const shares = await hooks.calls(forDeal(terms.dealId, 'share'));
    expect(shares.map((c) => (c.body as { needed: number }).needed).sort()).toEqual([1, 2]);
  });
});
