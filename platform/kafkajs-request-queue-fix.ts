/**
 * Fixes a timer loop in kafkajs 2.2.4 (the latest release): RequestQueue.scheduleCheckPendingRequests
 * schedules `throttledUntil - Date.now()` even when nothing is pending and nothing is throttled. With
 * `throttledUntil = -1` that is a large negative delay, which Node turns into 1 ms, and the check
 * re-schedules itself forever: after a broker reconnect a client spins on a 1 ms timer, burns CPU and keeps
 * its process alive after disconnect (Node warns `TimeoutNegativeWarning`). The fixed method schedules a
 * check only while requests are pending or the broker throttles us, as the method's own comment intends.
 */
// The class is internal to kafkajs; its module path is stable across 2.x and pinned in package.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as {
  prototype: RequestQueueInternals & { scheduleCheckPendingRequests: () => void };
};

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

/** kafkajs's own polling interval while requests wait for an in-flight slot. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
  if (this.throttleCheckTimeoutId) return;
  const throttledForMs = this.throttledUntil - Date.now();
  if (this.pending.length === 0 && throttledForMs <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
};

export {};
