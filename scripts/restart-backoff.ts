/**
 * How long the supervisor (scripts/run-services.ts) waits before it restarts a crashed service. A crash
 * soon after a start is a crash loop: each one doubles the wait (1 s, 2 s, 4 s … up to 30 s), so a service
 * that cannot start does not spin. A crash after a healthy run is news of its own: the service comes back
 * after the shortest wait, however many crashes came before.
 */

export interface RestartPolicy {
  /** The wait after a first crash, or after a crash that followed a healthy run. */
  minMs: number;
  /** The longest wait, however long the crash loop. */
  maxMs: number;
  /**
   * A service that ran this long was healthy. Short, so that crashes a minute or an hour apart never add
   * up, yet longer than a failing start-up takes: a bad setting or an unreachable server ends a service
   * within seconds of its start.
   */
  healthyAfterMs: number;
}

export const restartPolicy: RestartPolicy = { minMs: 1_000, maxMs: 30_000, healthyAfterMs: 15_000 };

/**
 * The wait before restarting a service that crashed after running `ranForMs`, given the wait before its
 * last restart (undefined: it never crashed before).
 */
export function restartDelayMs(
  lastDelayMs: number | undefined,
  ranForMs: number,
  policy: RestartPolicy = restartPolicy,
): number {
  if (lastDelayMs === undefined || ranForMs >= policy.healthyAfterMs) return policy.minMs;
  return Math.min(policy.maxMs, Math.max(policy.minMs, lastDelayMs * 2));
}
