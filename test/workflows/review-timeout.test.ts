import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { OrderEvent } from '../../contracts/events';
import { decideReviewUpdate, statusQuery } from '../../workflows/messages';
import { DEFAULT_REVIEW_TIMEOUT_MS } from '../../workflows/saga-defaults';
import { pricedOrder } from '../support/catalog';
import { expectContiguousEvents, fakeSagaSteps, recordedEvents, typesOf } from '../support/fake-saga-steps';
import { startTimeSkippingEnvironment, waitForStatus, withOrderWorker } from '../support/time-skipping';
import { pathEvents } from '../support/path-events';

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

/** An order over the fraud review threshold, for steps that hold it for review. */
const heldOrder = () => pricedOrder([{ sku: 'REVIEW-1', quantity: 3, unitPriceMinor: 30_000 }]);

function eventOf<T extends OrderEvent['type']>(
  events: OrderEvent[],
  type: T,
): Extract<OrderEvent, { type: T }> {
  const found = events.find((e): e is Extract<OrderEvent, { type: T }> => e.type === type);
  if (!found) throw new Error(`no ${type} among ${typesOf(events).join(', ')}`);
  return found;
}

describe('an order held for fraud review (time-skipping server, fake steps)', () => {
  it('is rejected for review_timeout after the default 24 h without a decision, and its stock is released', async () => {
    const steps = fakeSagaSteps('review');
    const order = heldOrder();
    let wallMs = Infinity;

    await withOrderWorker(env, steps, async ({ startOrder }) => {
      const startedAt = Date.now();
      // No options: the saga's own default timeout applies, as for an order the API starts without one.
      const handle = await startOrder(order);
      const result = await handle.result();
      wallMs = Date.now() - startedAt;
      expect(result).toEqual({
        orderId: order.orderId,
        status: 'rejected',
        reason: 'the fraud review timed out',
        notification: 'sent',
      });
      const state = await handle.query(statusQuery);
      expect(state.review).toMatchObject({ decision: 'reject', reviewer: 'system' });
      expect(state.compensations).toEqual([{ step: 'release inventory', outcome: 'done' }]);
    });

    // A day of workflow time went by in seconds of wall time.
    expect(wallMs).toBeLessThan(10_000);
    expect(DEFAULT_REVIEW_TIMEOUT_MS).toBe(24 * HOUR_MS);
    const required = eventOf(steps.outbox, 'order.review_required');
    const decided = eventOf(steps.outbox, 'order.review_decided');
    const heldFor = Date.parse(decided.time) - Date.parse(required.time);
    expect(heldFor).toBeGreaterThanOrEqual(24 * HOUR_MS);
    expect(heldFor).toBeLessThan(24 * HOUR_MS + MINUTE_MS);
    expect(Date.parse(decided.time)).toBeGreaterThanOrEqual(Date.parse(required.data.reviewDeadline));

    expect(steps.releaseInventory).toHaveBeenCalledTimes(1);
    expect(steps.commitInventory).not.toHaveBeenCalled();
    const recorded = recordedEvents(steps);
    expect(typesOf(recorded)).toEqual(['order.review_required', 'order.review_decided', 'order.rejected']);
    expect(recorded[1]?.data).toMatchObject({ decision: 'reject', reviewer: 'system', timedOut: true });
    expect(recorded[2]?.data).toMatchObject({ code: 'review_timeout', reason: 'the fraud review timed out' });
    expect(typesOf(steps.outbox)).toEqual(pathEvents.rejectedInReview);
    expectContiguousEvents(steps.outbox, order.orderId);
  });

  it('approves and confirms an order whose decision arrives at 23 h 59 min, one minute before the timeout', async () => {
    const steps = fakeSagaSteps('review');
    const order = heldOrder();

    await withOrderWorker(env, steps, async ({ startOrder }) => {
      const handle = await startOrder(order);
      // The review timer must be running before the clock moves, or the skip would happen before it starts.
      await waitForStatus(handle, 'awaiting_review');
      await env.sleep(23 * HOUR_MS + 59 * MINUTE_MS);

      const decided = await handle.executeUpdate(decideReviewUpdate, {
        args: [{ decision: 'approve', reviewer: 'operator-ada', note: 'known customer' }],
      });
      expect(decided.status).toBe('confirmed');
      expect(decided.review).toMatchObject({ decision: 'approve', reviewer: 'operator-ada' });
      expect(await handle.result()).toEqual({
        orderId: order.orderId,
        status: 'confirmed',
        notification: 'sent',
      });
    });

    const required = eventOf(steps.outbox, 'order.review_required');
    const decided = eventOf(steps.outbox, 'order.review_decided');
    const heldFor = Date.parse(decided.time) - Date.parse(required.time);
    expect(heldFor).toBeGreaterThanOrEqual(23 * HOUR_MS + 59 * MINUTE_MS);
    expect(heldFor).toBeLessThan(24 * HOUR_MS);
    expect(decided.data).toMatchObject({ decision: 'approve', reviewer: 'operator-ada', timedOut: false });

    expect(steps.commitInventory).toHaveBeenCalledTimes(1);
    expect(steps.releaseInventory).not.toHaveBeenCalled();
    expect(typesOf(steps.outbox)).toEqual(pathEvents.approvedInReview);
    expectContiguousEvents(steps.outbox, order.orderId);
  });
});
