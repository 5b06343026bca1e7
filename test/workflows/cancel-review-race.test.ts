import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { OrderSagaResult } from '../../contracts/order-messages';
import type { OrderState } from '../../contracts/order-state';
import { cancelUpdate, decideReviewUpdate } from '../../workflows/messages';
import { pricedOrder } from '../support/catalog';
import { expectContiguousEvents, fakeSagaSteps, typesOf } from '../support/fake-saga-steps';
import type { FakeSagaSteps } from '../support/fake-saga-steps';
import { startTimeSkippingEnvironment, waitForStatus, withOrderWorker } from '../support/time-skipping';
import { pathEvents } from '../support/path-events';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

type Answer = { accepted: true; status: OrderState['status'] } | { accepted: false; reason: string };

async function answerOf(update: Promise<OrderState>): Promise<Answer> {
  try {
    return { accepted: true, status: (await update).status };
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    return { accepted: false, reason: err.cause?.message ?? err.message };
  }
}

interface Race {
  orderId: string;
  cancel: Answer;
  approve: Answer;
  result: OrderSagaResult;
  steps: FakeSagaSteps;
}

/**
 * Holds an order for review, then has a cancellation and an approval reach the saga in one workflow task,
 * `first` ahead: both are sent while no worker runs, so the next worker finds them in the same task.
 */
async function raceInOneTask(first: 'cancel' | 'approve'): Promise<Race> {
  const steps = fakeSagaSteps('review');
  const order = pricedOrder([{ sku: 'RACE-1', quantity: 1, unitPriceMinor: 80_000 }]);
  let race: Race | undefined;
  await withOrderWorker(env, steps, async ({ startOrder, restartWorker }) => {
    const handle = await startOrder(order);
    await waitForStatus(handle, 'awaiting_review');
    const send = {
      cancel: () =>
        handle.executeUpdate(cancelUpdate, {
          args: [{ reason: 'customer changed their mind', requestedBy: 'customer' }],
        }),
      approve: () =>
        handle.executeUpdate(decideReviewUpdate, {
          args: [{ decision: 'approve', reviewer: 'operator-ada' }],
        }),
    };
    const answers: Partial<Record<'cancel' | 'approve', Promise<Answer>>> = {};
    await restartWorker(async () => {
      // Real-time pauses: the first request reaches the server before the second, both before a worker polls.
      const second = first === 'cancel' ? 'approve' : 'cancel';
      answers[first] = answerOf(send[first]());
      await new Promise((resolve) => setTimeout(resolve, 200));
      answers[second] = answerOf(send[second]());
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    race = {
      orderId: order.orderId,
      cancel: await answers.cancel!,
      approve: await answers.approve!,
      result: await handle.result(),
      steps,
    };
  });
  return race!;
}

/** Whoever won, the stock followed: cancelled ⇒ released, never committed; confirmed ⇒ committed, never released. */
function expectConsistentOutcome({ result, steps, orderId }: Race): void {
  expect(['cancelled', 'confirmed']).toContain(result.status);
  const cancelled = result.status === 'cancelled';
  expect({
    released: steps.releaseInventory.mock.calls.length,
    committed: steps.commitInventory.mock.calls.length,
  }).toEqual(cancelled ? { released: 1, committed: 0 } : { released: 0, committed: 1 });
  expect(typesOf(steps.outbox)).toContain(cancelled ? 'order.cancelled' : 'order.confirmed');
  expect(typesOf(steps.outbox)).not.toContain(cancelled ? 'order.confirmed' : 'order.cancelled');
  expectContiguousEvents(steps.outbox, orderId);
}

/** Exactly one of the two updates was accepted, and the order ended the way that one asked for. */
function expectOneWinner({ cancel, approve, result }: Race): void {
  expect([cancel.accepted, approve.accepted].filter(Boolean)).toHaveLength(1);
  expect(result.status).toBe(cancel.accepted ? 'cancelled' : 'confirmed');
}

describe('a cancellation and a review approval reaching a held order in the same workflow task', () => {
  describe('when the cancellation comes first', () => {
    let race: Race;
    beforeAll(async () => {
      race = await raceInOneTask('cancel');
    });

    it('cancels the order, releases the stock without committing it, and refuses the approval', () => {
      expect(race.cancel).toEqual({ accepted: true, status: 'cancelled' });
      expect(race.approve.accepted).toBe(false);
      expect(race.result).toMatchObject({ status: 'cancelled', reason: 'customer changed their mind' });
      expectOneWinner(race);
      expectConsistentOutcome(race);
      expect(typesOf(race.steps.outbox)).toEqual(pathEvents.cancelledInReview);
    });

    // The status has not moved yet when the validator runs: the reason must name the cancellation.
    it('tells the refused approver that the order is being cancelled', () => {
      expect(race.approve).toEqual({ accepted: false, reason: expect.stringMatching(/cancel/) as unknown });
    });
  });

  describe('when the approval comes first', () => {
    let race: Race;
    beforeAll(async () => {
      race = await raceInOneTask('approve');
    });

    it('keeps the stock consistent with the outcome', () => {
      expectConsistentOutcome(race);
    });

    // Both arrive in one workflow task: the cancel validator must see the decision already accepted.
    it('accepts exactly one of the two and refuses the other', () => {
      expectOneWinner(race);
    });
  });
});
