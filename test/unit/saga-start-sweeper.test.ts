import pino from 'pino';
import { createSagaStartSweeper } from '../../api/orders/saga-start';
import type { QueuedStart } from '../../platform/saga-start-outbox';
import type { PricedOrder } from '../../contracts/order';

const queued = (orderId: string): QueuedStart => ({
  orderId,
  submittedBy: 'shop',
  order: { orderId } as PricedOrder,
  acceptedAt: new Date(0),
});
const quiet = pino({ level: 'silent' });
const options = { everyMs: 60_000, graceMs: 2_000, batch: 10 };

describe('the start outbox sweeper', () => {
  it('starts the due orders oldest first and stops at the first failure, leaving the rest for the next sweep', async () => {
    const attempted: string[] = [];
    const asked: [number, number][] = [];
    const sweeper = createSagaStartSweeper(
      {
        startQueued: (q) => {
          attempted.push(q.order.orderId);
          return q.order.orderId === 'b' ? Promise.reject(new Error('Temporal is down')) : Promise.resolve();
        },
      },
      {
        due: (olderThanMs, limit) => {
          asked.push([olderThanMs, limit]);
          return Promise.resolve([queued('a'), queued('b'), queued('c')]);
        },
      },
      quiet,
      options,
    );
    expect(await sweeper.sweep()).toBe(1);
    expect(attempted).toEqual(['a', 'b']);
    expect(asked).toEqual([[2_000, 10]]);
  });

  it('starts nothing when nothing is due', async () => {
    const sweeper = createSagaStartSweeper(
      { startQueued: () => Promise.reject(new Error('must not be called')) },
      { due: () => Promise.resolve([]) },
      quiet,
      options,
    );
    expect(await sweeper.sweep()).toBe(0);
  });
});
