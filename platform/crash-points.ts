/**
 * Crash points for crash tests: a process armed with `CRASH_POINTS=<point>@<key>,…` (`<point>@*`: for any
 * key) kills itself with
 * SIGKILL (what `kill -9` sends) the moment it reaches an armed point for that key, so a test hits the
 * instant that matters on every run instead of hoping a timer lands there. Unarmed (the default, and
 * always in production: the configuration refuses it there) `reach` is one Set lookup that does nothing.
 *
 * The line written first (synchronously, before the kill) is how a test tells that its point was the one
 * reached: `crash point <point>@<key> reached`.
 */
import { writeSync } from 'node:fs';

export interface CrashPoints {
  /** True when at least one point is armed (callers skip building keys otherwise). */
  readonly armed: boolean;
  /** Kills this process at once when `point@key` is armed. */
  reach(point: string, key: string | undefined): void;
}

export const CRASH_POINT_REACHED = 'crash point reached:';

export function crashPoints(armed: readonly string[]): CrashPoints {
  const points = new Set(armed);
  return {
    armed: points.size > 0,
    reach(point, key) {
      if (key === undefined || !(points.has(`${point}@${key}`) || points.has(`${point}@*`))) return;
      writeSync(2, `${CRASH_POINT_REACHED} ${point}@${key}\n`);
      process.kill(process.pid, 'SIGKILL');
    },
  };
}
