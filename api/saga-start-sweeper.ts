/**
 * Starts the sagas of accepted orders whose first start did not happen: the API died between its answer and
 * the start, or Temporal was unreachable. Every API process sweeps; two starting the same order find one
 * saga (the workflow id comes from the order id), and the row goes once the saga exists.
 */
import type { Logger } from '../platform/logger';
import type { OrderGateway } from './order-gateway';
import type { SagaStartOutbox } from './saga-start-outbox';

export interface SweeperOptions {
  /** How often the outbox is looked at. */
  everyMs: number;
  /** A row younger than this is left to the request that wrote it (its start is under way). */
  graceMs: number;
  /** Rows started per sweep at most. */
  batch: number;
}

export const defaultSweeperOptions: SweeperOptions = { everyMs: 2_000, graceMs: 2_000, batch: 100 };

export function createSagaStartSweeper(
  orders: Pick<OrderGateway, 'startQueued'>,
  outbox: Pick<SagaStartOutbox, 'due'>,
  logger: Logger,
  options: SweeperOptions = defaultSweeperOptions,
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  /** One pass: starts what is due, oldest first; stops at the first failure (Temporal is likely down). */
  async function sweep(): Promise<number> {
    const due = await outbox.due(options.graceMs, options.batch);
    let started = 0;
    for (const queued of due) {
      try {
        await orders.startQueued(queued);
        started += 1;
      } catch (err) {
        logger.warn(
          { err, orderId: queued.orderId, waiting: due.length - started },
          'accepted orders are waiting for their saga to start; retrying at the next sweep',
        );
        break;
      }
    }
    if (started > 0)
      logger.info({ started }, 'started the sagas of accepted orders left in the start outbox');
    return started;
  }

  function tick(): void {
    if (running) return; // the last sweep is still at it
    running = sweep()
      .catch((err: unknown) => {
        logger.warn({ err }, 'could not read the start outbox; retrying at the next sweep');
        return 0;
      })
      .finally(() => (running = undefined));
  }

  return {
    sweep,
    start(): void {
      timer = setInterval(tick, options.everyMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
