/**
 * The stalled-order watchdog: checks now and then for orders that stopped moving
 * (./stalled-order-finder.ts), raises an alert for each new stall (./stall-alerts.ts) and keeps the last
 * check for the gauge on /metrics. Every API process runs one, as every one runs the start outbox sweeper:
 * nothing to elect, and the alerts' ids make the processes' writes one alert.
 */
import { periodic } from '../../../platform/periodic';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { AppConfig } from '../../../platform/config';
import type { Logger } from '../../../platform/logger';
import { raiseStallAlerts } from './stall-alerts';
import { createStalledOrderFinder } from './stalled-order-finder';
import type { FindStalledOrders, StalledOrderCheck } from './stalled-order-finder';

export interface StalledOrderWatchdog {
  /** Finds the stalled orders now, raising nothing (the operator route). */
  find: FindStalledOrders;
  /** One check: finds the stalled orders, raises the alerts of new stalls, keeps the result. */
  check(): Promise<StalledOrderCheck>;
  /** The result of the last check that succeeded; undefined before. */
  latest(): StalledOrderCheck | undefined;
  /** Checks every `checkEveryMs` until stopped. */
  start(): void;
  stop(): Promise<void>;
}

/** A stalled order is found at most a fifth of the bound late, and never later than a minute. */
export function checkEveryMs(stalledAfterMs: number): number {
  return Math.min(60_000, Math.max(5_000, Math.round(stalledAfterMs / 5)));
}

export interface WatchdogDependencies {
  client: Client;
  pool: Pool;
  config: Pick<AppConfig, 'saga' | 'api' | 'outbox'>;
  logger: Logger;
}

export function createStalledOrderWatchdog({
  client,
  pool,
  config,
  logger,
}: WatchdogDependencies): StalledOrderWatchdog {
  const { stalledAfterMs } = config.saga;
  const find = createStalledOrderFinder(client, pool, {
    stalledAfterMs,
    timeoutMs: config.api.temporalTimeoutMs,
  });
  let last: StalledOrderCheck | undefined;

  async function check(): Promise<StalledOrderCheck> {
    const found = await find();
    const raised = await raiseStallAlerts(pool, found, config.outbox.retentionMs);
    last = found;
    if (raised > 0) {
      logger.warn(
        { raised, stalled: found.total, stalledAfterMs },
        'orders stalled: raised order.stalled for the new ones',
      );
    }
    return found;
  }

  const job = periodic(checkEveryMs(stalledAfterMs), check, logger, 'could not check for stalled orders');

  return {
    find,
    check,
    latest: () => last,
    ...job,
  };
}
