import { Worker } from '@temporalio/worker';
import { loadHistories } from '../support/histories';
import { workflowBundle } from '../support/saga-harness';

jest.setTimeout(120_000);

const expectedPaths = [
  'cancel-during-review',
  'fraud-reject',
  'happy-path',
  'insufficient-stock',
  'notification-failed',
  'review-approve',
  'review-timeout',
];
// Orders paid by card and group deals exist only in the current generation.
const paymentPaths = [
  'group-cancelled',
  'group-failed',
  'group-formed',
  'payment-captured',
  'payment-declined',
  'payment-voided-on-cancel',
];

const orderPaymentPaths = paymentPaths.filter((name) => name.startsWith('payment-'));

// '' = the current saga; 'before-single-task' = sagas whose payment and mail steps were regular activities;
// 'before-outbox' = sagas started before the outbox. The same code must finish all of them.
// Every workflow of the bundle (orderSaga, groupBuy) replays its own recorded histories.
describe.each([
  ['', [...expectedPaths, ...paymentPaths].sort()],
  ['before-single-task', [...expectedPaths, ...orderPaymentPaths].sort()],
  ['before-outbox', expectedPaths],
])('orderSaga replay safety (%s)', (generation, expectedPaths) => {
  it('has a recorded history for every saga path', () => {
    expect(loadHistories(generation).map((h) => h.name)).toEqual(expectedPaths);
  });

  it.each(expectedPaths)('replays the recorded %s history without non-determinism', async (name) => {
    const fixture = loadHistories(generation).find((h) => h.name === name);
    if (!fixture) throw new Error(`missing fixture ${name}`);
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, fixture.history, `replay-${name}`),
    ).resolves.toBeUndefined();
  });
});
