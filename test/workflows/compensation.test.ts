import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { OrderState } from '../../contracts/order-state';
import type { orderSaga } from '../../workflows';
import { cancelUpdate, statusQuery } from '../../workflows/messages';
import { pricedOrder } from '../support/catalog';
import {
  expectContiguousEvents,
  failNextAttempts,
  fakeSagaSteps,
  recordedEvents,
  typesOf,
} from '../support/fake-saga-steps';
import { startTimeSkippingEnvironment, waitForStatus, withOrderWorker } from '../support/time-skipping';
import { pathEvents } from '../support/path-events';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const order = () => pricedOrder([{ sku: 'COMP-1', quantity: 2, unitPriceMinor: 1_500 }]);

/** Resolves when `promise` settles, or with 'pending' if it has not settled by now. */
async function settledYet(promise: Promise<unknown>): Promise<'settled' | 'pending'> {
  return Promise.race([promise.then(() => 'settled' as const), Promise.resolve('pending' as const)]);
}

describe('compensation that keeps failing (time-skipping server, fake steps)', () => {
  it('retries a failing release, as a regular activity, until it succeeds; the order then ends cancelled', async () => {
    const steps = fakeSagaSteps('review');
    const o = order();
    let duringFailures: { state: OrderState; workflow: string; cancelAnswered: string } | undefined;
    let secondAttemptStarted!: () => void;
    const secondAttempt = new Promise<void>((resolve) => (secondAttemptStarted = resolve));
    let lookedAtSaga!: () => void;
    const looked = new Promise<void>((resolve) => (lookedAtSaga = resolve));
    failNextAttempts(steps.releaseInventory, 5, (attempt) => {
      if (attempt !== 2) return;
      secondAttemptStarted();
      return looked;
    });

    await withOrderWorker(env, steps, async ({ startOrder }) => {
      // Remote steps: retries wait on server timers, which the test server skips once the result is
      // awaited (here 4+8+16 s after the first 1 s), and between which the saga answers queries.
      const handle = await startOrder(o, { stepActivities: 'remote' });
      await waitForStatus(handle, 'awaiting_review');
      const cancelled = handle.executeUpdate(cancelUpdate, {
        args: [{ reason: 'customer changed their mind', requestedBy: 'customer' }],
      });
      // Held until the saga was looked at, after one failed attempt.
      await secondAttempt;
      duringFailures = {
        state: await handle.query(statusQuery),
        workflow: (await handle.describe()).status.name,
        cancelAnswered: await settledYet(cancelled),
      };
      lookedAtSaga();

      expect(await handle.result()).toEqual({
        orderId: o.orderId,
        status: 'cancelled',
        reason: 'customer changed their mind',
        notification: 'sent',
      });
      expect((await cancelled).status).toBe('cancelled');
    });

    // While the release kept failing: compensating, nothing recorded as compensated, no outcome yet, and
    // the cancel update had not answered (it answers once compensation ran).
    expect(duringFailures?.state.status).toBe('compensating');
    expect(duringFailures?.state.compensations).toEqual([]);
    expect(duringFailures?.state.reason).toBeUndefined();
    expect(duringFailures?.workflow).toBe('RUNNING');
    expect(duringFailures?.cancelAnswered).toBe('pending');

    expect(steps.releaseInventory).toHaveBeenCalledTimes(6);
    expect(steps.commitInventory).not.toHaveBeenCalled();
    expect(typesOf(steps.outbox)).toEqual(pathEvents.cancelledInReview);
    expect(recordedEvents(steps).at(-1)?.data).toMatchObject({
      reason: 'customer changed their mind',
      requestedBy: 'customer',
    });
    expectContiguousEvents(steps.outbox, o.orderId);
  });

  it('retries a failing release, as a local activity, inside one workflow task: a status query waits for it', async () => {
    const steps = fakeSagaSteps('reject');
    const o = order();
    let handle: WorkflowHandle<typeof orderSaga> | undefined;
    let queried: Promise<OrderState> | undefined;
    // Local retries under a minute apart sleep in the worker, in real time: 1 + 2 s for two failures.
    failNextAttempts(steps.releaseInventory, 2, (attempt) => {
      if (attempt === 2) queried = handle?.query(statusQuery);
    });

    await withOrderWorker(env, steps, async ({ startOrder }) => {
      handle = await startOrder(o);
      expect(await handle.result()).toEqual({
        orderId: o.orderId,
        status: 'rejected',
        reason: 'fraud score 100 reached the reject threshold 90',
        notification: 'sent',
      });
    });

    // Asked while the second attempt failed, the query is answered once the task ends: with the outcome.
    const state = await queried;
    expect(state?.status).toBe('rejected');
    expect(state?.compensations).toEqual([{ step: 'release inventory', outcome: 'done' }]);
    expect(steps.releaseInventory).toHaveBeenCalledTimes(3);
    expect(typesOf(steps.outbox)).toEqual([
      'order.created',
      'inventory.reserved',
      'fraud.assessed',
      'inventory.released',
      'order.rejected',
      'notification.sent',
    ]);
    expect(recordedEvents(steps).at(-1)?.data).toMatchObject({ code: 'fraud_rejected' });
    expectContiguousEvents(steps.outbox, o.orderId);
  });
});

describe('a step that fails for good (time-skipping server, fake steps)', () => {
  it('rejects the order with step_failed, releases the reservation and records order.rejected', async () => {
    const steps = fakeSagaSteps();
    const o = order();
    steps.assessFraud.mockRejectedValueOnce(
      ApplicationFailure.nonRetryable('the fraud model refused the order', 'FraudModelUnavailable'),
    );

    await withOrderWorker(env, steps, async ({ startOrder }) => {
      const handle = await startOrder(o);
      expect(await handle.result()).toEqual({
        orderId: o.orderId,
        status: 'rejected',
        reason: 'a step failed: the fraud model refused the order',
        notification: 'sent',
      });
      const state = await handle.query(statusQuery);
      expect(state.compensations).toEqual([{ step: 'release inventory', outcome: 'done' }]);
      expect(state.timeline.map((t) => t.status)).toEqual([
        'received',
        'reserving',
        'assessing_fraud',
        'compensating',
        'rejected',
      ]);
    });

    // Non-retryable: one attempt, no retry.
    expect(steps.assessFraud).toHaveBeenCalledTimes(1);
    expect(steps.releaseInventory).toHaveBeenCalledTimes(1);
    expect(steps.commitInventory).not.toHaveBeenCalled();
    expect(recordedEvents(steps)).toEqual([
      expect.objectContaining({
        type: 'order.rejected',
        data: expect.objectContaining({ code: 'step_failed' }) as unknown,
      }),
    ]);
    // The failed fraud check wrote nothing, so the release takes the sequence it would have had.
    expect(typesOf(steps.outbox)).toEqual([
      'order.created',
      'inventory.reserved',
      'inventory.released',
      'order.rejected',
      'notification.sent',
    ]);
    expectContiguousEvents(steps.outbox, o.orderId);
  });
});
