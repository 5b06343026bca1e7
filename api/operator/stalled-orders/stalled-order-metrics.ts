/** The watchdog's figures on the API's /metrics: how many orders are stalled, and when that was checked. */
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { StalledOrderWatchdog } from './stalled-order-watchdog';

export function registerStalledOrderMetrics(
  registry: Registry,
  watchdog: Pick<StalledOrderWatchdog, 'latest'>,
): void {
  // From the last check rather than a visibility read per scrape: a scrape never waits on Temporal.
  new Gauge({
    name: 'fc_orders_stalled',
    help: "Orders not settled within ORDER_STALLED_AFTER_MINUTES, orders waiting for a review aside, at this process's last check.",
    registers: [registry],
    collect() {
      this.set(watchdog.latest()?.total ?? 0);
    },
  });
  new Gauge({
    name: 'fc_orders_stalled_checked_timestamp_seconds',
    help: 'When fc_orders_stalled was last checked (Unix time, 0 before the first check); if it stops rising, Temporal or PostgreSQL did not answer and the count is stale.',
    registers: [registry],
    collect() {
      this.set((watchdog.latest()?.checkedAt.getTime() ?? 0) / 1000);
    },
  });
}
