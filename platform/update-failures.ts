/**
 * What the Temporal client's errors say about an update (a cancellation, a review decision, a deal's join)
 * that did not apply: the workflow refused it, the workflow has ended, or there is no such workflow. The
 * API's gateways and the Kafka command consumer map the same three answers, each to its own vocabulary
 * (a 409 or 404, a dead-letter code); anything else is a fault to retry.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';

/**
 * The workflow exists and has ended: it was already closed when the request came ("already completed"),
 * or it closed before handling an update that reached it in the same moment ("aborted by closing
 * workflow"). The client reports both as WorkflowNotFoundError; neither means the workflow is unknown.
 */
export function isClosedWorkflowError(err: unknown): boolean {
  return (
    err instanceof WorkflowNotFoundError && /already completed|aborted by closing workflow/i.test(err.message)
  );
}

export type UpdateFailure =
  /** The workflow's validator or handler refused it; `reason` is the workflow's own message. */
  | { kind: 'refused'; reason: string }
  /** The workflow has ended. */
  | { kind: 'closed' }
  /** No workflow has this id. */
  | { kind: 'not_found' };

/** The update's answer when it was one of the three, undefined for a fault (Temporal down, a timeout). */
export function updateFailureOf(err: unknown): UpdateFailure | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    return { kind: 'refused', reason: err.cause instanceof Error ? err.cause.message : err.message };
  }
  if (isClosedWorkflowError(err)) return { kind: 'closed' };
  if (err instanceof WorkflowNotFoundError) return { kind: 'not_found' };
  return undefined;
}
