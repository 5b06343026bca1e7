/**
 * Local first: a step that talks to an outside server (the payment provider, the mail server) runs its
 * first attempts as a local activity, inside the workflow task that reached it, and becomes a regular
 * activity only when those attempts fail. An order whose servers answer then costs Temporal one workflow
 * task from start to end instead of one more task and one activity dispatch per outside call; an outage
 * still shows in the Temporal UI as a pending activity with its attempts and last error, retried with
 * backoff, while the workflow task is long finished.
 *
 * A refusal (a declined card, an expired authorization) is an answer, not an outage: it is thrown at once,
 * never retried as an activity. Both kinds of attempt run the same activity, which is idempotent per order
 * and step, so an attempt the fallback repeats changes nothing twice.
 */
import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';

/** The one way the saga calls a step: with a summary for the Temporal UI. */
export interface StepCall<A extends unknown[], R> {
  executeWithOptions(options: { summary: string }, args: A): Promise<R>;
}

/** True when the failure says the server decided (nothing to gain from another attempt). */
export function isDecidedFailure(err: unknown, refusalTypes: readonly string[]): boolean {
  const failure = err instanceof ActivityFailure && err.cause ? err.cause : err;
  if (!(failure instanceof ApplicationFailure)) return false;
  return failure.nonRetryable || (failure.type != null && refusalTypes.includes(failure.type));
}

/**
 * `local` first; on any failure but a refusal or a cancellation, `fallback` (when there is one: a step
 * whose attempts are all spent locally has none).
 */
export function localFirst<A extends unknown[], R>(
  local: StepCall<A, R>,
  fallback: StepCall<A, R> | undefined,
  refusalTypes: readonly string[] = [],
): StepCall<A, R> {
  return {
    async executeWithOptions(options, args) {
      try {
        return await local.executeWithOptions(options, args);
      } catch (err) {
        if (!fallback || isCancellation(err) || isDecidedFailure(err, refusalTypes)) throw err;
        return fallback.executeWithOptions(options, args);
      }
    },
  };
}
