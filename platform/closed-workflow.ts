/** Telling "this workflow has ended" apart from "no such workflow" in the client's errors. */
import { WorkflowNotFoundError } from '@temporalio/client';

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
