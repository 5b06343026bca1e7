/** Process lifecycle shared by every composition root: start, then stop cleanly on SIGTERM/SIGINT. */
import type { Logger } from './logger';

export interface Service {
  /** Resolves once the service is running. */
  start(): Promise<void>;
  /** Stops taking new work, finishes or hands back in-flight work, and closes its clients. */
  stop(): Promise<void>;
}

export async function runUntilSignalled(service: Service, logger: Logger, graceMs: number): Promise<void> {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // A stuck dependency must not keep the process alive forever: exit after the grace period regardless.
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown grace period exceeded, exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    service.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  try {
    await service.start();
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  }
}
