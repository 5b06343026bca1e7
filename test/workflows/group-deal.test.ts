/**
 * The group deal's deadline logic on Temporal's time-skipping test server, with fake steps: days of deal
 * time pass in seconds of test time.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { GroupDealTerms, JoinRequest } from '../../contracts/group-deal';
import { groupWorkflowId } from '../../contracts/group-deal';
import type { groupBuy } from '../../workflows';
import { dealQuery, joinDealUpdate, leaveDealUpdate } from '../../workflows/group-messages';
import { DECLINED_METHOD, fakeSagaSteps } from '../support/fake-saga-steps';
import { joinDeal, joinRequest } from '../support/group-deals';
import type { FakeSagaSteps } from '../support/fake-saga-steps';
import { startTimeSkippingEnvironment } from '../support/time-skipping';
import { workflowBundle } from '../support/workflow-bundle';

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

async function withDealWorker(
  steps: FakeSagaSteps,
  body: (taskQueue: string) => Promise<void>,
): Promise<void> {
  const taskQueue = `groups-${randomUUID()}`;
  const { outbox: _outbox, groupOutbox: _groupOutbox, payments: _payments, ...activities } = steps;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    shutdownForceTime: '2s',
    maxCachedWorkflows: 0,
  });
  await worker.runUntil(body(taskQueue));
}

async function terms(targetSize: number, maxSize: number, deadlineInMs: number): Promise<GroupDealTerms> {
  return {
    dealId: `deal${randomUUID().slice(0, 8)}`,
    sku: 'GROUP-MUG',
    productName: 'Group mug',
    groupPriceMinor: 900,
    currency: 'EUR',
    targetSize,
    maxSize,
    deadline: new Date((await env.currentTimeMs()) + deadlineInMs).toISOString(),
    leaderCustomerId: 'leader',
  };
}

const joiner = joinRequest;

/** Joins with update-with-start, as the API does: the first join opens the deal. */
function join(taskQueue: string, deal: GroupDealTerms, request: JoinRequest) {
  return joinDeal(env.client, taskQueue, deal, request);
}

/** The reason a refused join or leave gives (the update fails with it as its cause). */
async function refusal(update: Promise<unknown>): Promise<string> {
  const err = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error('the update was not refused');
  return err.cause instanceof Error ? err.cause.message : err.message;
}

const dealOf = (deal: GroupDealTerms): WorkflowHandle<typeof groupBuy> =>
  env.client.workflow.getHandle(groupWorkflowId(deal.dealId));

describe('a group deal (time-skipping server, fake steps)', () => {
  it('forms one minute before a 3-day deadline: every participant captured and confirmed', async () => {
    const steps = fakeSagaSteps();
    await withDealWorker(steps, async (taskQueue) => {
      const deal = await terms(3, 5, 3 * DAY_MS);
      const startedAt = Date.now();
      await join(taskQueue, deal, joiner('ann'));
      await env.sleep(DAY_MS);
      await join(taskQueue, deal, joiner('bob'));
      await env.sleep(2 * DAY_MS - 2 * MINUTE_MS);
      expect((await dealOf(deal).query(dealQuery)).status).toBe('open');
      await join(taskQueue, deal, joiner('cem'));
      const result = await dealOf(deal).result();
      expect(Date.now() - startedAt).toBeLessThan(20_000);

      expect(result.status).toBe('formed');
      expect(result.participants.map((p) => [p.customerId, p.status, p.payment?.status])).toEqual([
        ['ann', 'charged', 'captured'],
        ['bob', 'charged', 'captured'],
        ['cem', 'charged', 'captured'],
      ]);
      expect(steps.groupOutbox.map((e) => e.type)).toEqual([
        'group.opened',
        'group.joined',
        'group.joined',
        'group.joined',
        'group.formed',
      ]);
      expect(steps.groupOutbox.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
      // Each participant's order is an ordinary order stream, from created to the confirmation mail.
      const annOrder = steps.outbox.filter((e) => e.subject === `${deal.dealId}-1`).map((e) => e.type);
      expect(annOrder).toEqual([
        'order.created',
        'inventory.reserved',
        'payment.authorized',
        'payment.captured',
        'order.confirmed',
        'notification.sent',
      ]);
      expect(steps.capturePayment).toHaveBeenCalledTimes(3);
    });
  });

  it('fails at its deadline: nobody charged, every authorization voided, every unit released', async () => {
    const steps = fakeSagaSteps();
    await withDealWorker(steps, async (taskQueue) => {
      const deal = await terms(3, 5, 3 * DAY_MS);
      await join(taskQueue, deal, joiner('ann'));
      await join(taskQueue, deal, joiner('bob'));
      const result = await dealOf(deal).result();

      expect(result.status).toBe('failed');
      expect(result.reason).toMatch(/did not reach 3 participants/);
      expect(steps.capturePayment).not.toHaveBeenCalled();
      expect([...steps.payments.values()].map((p) => p.status)).toEqual(['voided', 'voided']);
      expect(steps.releaseInventory).toHaveBeenCalledTimes(2);
      expect(steps.groupOutbox.at(-1)).toMatchObject({
        type: 'group.failed',
        data: { cancelled: false, participants: 2, needed: 1 },
      });
      const bobOrder = steps.outbox.filter((e) => e.subject === `${deal.dealId}-2`).map((e) => e.type);
      expect(bobOrder).toEqual([
        'order.created',
        'inventory.reserved',
        'payment.authorized',
        'payment.voided',
        'inventory.released',
        'order.cancelled',
        'notification.sent',
      ]);
    });
  });

  it('refuses a join after the deadline, twice by one customer, over the maximum, or with a declined card', async () => {
    const steps = fakeSagaSteps();
    await withDealWorker(steps, async (taskQueue) => {
      const deal = await terms(3, 2, DAY_MS);
      await join(taskQueue, deal, joiner('ann'));
      expect(await refusal(join(taskQueue, deal, joiner('ann')))).toMatch(/customer ann has already joined/);
      expect(await refusal(join(taskQueue, deal, joiner('dan', DECLINED_METHOD)))).toMatch(
        /payment declined \(card_declined\)/,
      );
      await join(taskQueue, deal, joiner('bob'));
      expect(await refusal(join(taskQueue, deal, joiner('cem')))).toMatch(
        /the deal is full \(2 participants\)/,
      );
      // Leaving frees the place again; the declined join held nothing.
      await dealOf(deal).executeUpdate(leaveDealUpdate, { args: [{ customerId: 'bob' }] });
      expect(steps.payments.get(`${deal.dealId}-2`)?.status).toBe('declined');
      expect(steps.payments.get(`${deal.dealId}-3`)?.status).toBe('voided');
      await env.sleep(DAY_MS);
      expect(await refusal(dealOf(deal).executeUpdate(joinDealUpdate, { args: [joiner('eve')] }))).toMatch(
        // The deal ended at its deadline: nothing accepts a join any more.
        /closed at its deadline|the deal is failed|not found|completed/,
      );
      expect((await dealOf(deal).result()).status).toBe('failed');
    });
  });
});
