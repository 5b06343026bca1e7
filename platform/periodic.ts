/**
 * A background job that runs every so often in a long-running process (the start-outbox sweeper, the
 * stalled-order watchdog): never two passes at once (a pass still at work when the next is due makes
 * that one skip), a failed pass logged and tried again at the next, and `stop` waits for the pass under
 * way so shutdown does not cut it off. The timer does not hold the process open.
 */
import type { Logger } from './logger';

export interface Periodic {
  start(): void;
  stop(): Promise<void>;
}

export function periodic(
  everyMs: number,
  pass: () => Promise<unknown>,
  logger: Logger,
  /** What the log says when a pass fails: what could not be done. */
  failure: string,
): Periodic {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  function tick(): void {
    if (running) return;
    running = pass()
      .catch((err: unknown) => logger.warn({ err }, `${failure}; trying again at the next pass`))
      .finally(() => (running = undefined));
  }

  return {
    start(): void {
      timer = setInterval(tick, everyMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
