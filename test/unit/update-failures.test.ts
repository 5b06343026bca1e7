import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isClosedWorkflowError, updateFailureOf } from '../../platform/update-failures';

describe('isClosedWorkflowError', () => {
  it('reads both of the server’s ways of saying the workflow has ended', () => {
    expect(
      isClosedWorkflowError(new WorkflowNotFoundError('workflow execution already completed', 'w', 'r')),
    ).toBe(true);
    // An update that reached the saga as it closed (a second cancel while the first finished the order).
    expect(
      isClosedWorkflowError(
        new WorkflowNotFoundError('workflow update was aborted by closing workflow', 'w', 'r'),
      ),
    ).toBe(true);
  });

  it('leaves a workflow that does not exist, and other errors, alone', () => {
    expect(
      isClosedWorkflowError(new WorkflowNotFoundError('sql: no rows in result set', 'w', undefined)),
    ).toBe(false);
    expect(isClosedWorkflowError(new Error('workflow execution already completed'))).toBe(false);
  });
});

describe('updateFailureOf', () => {
  it('names the refusal with the workflow’s own reason', () => {
    const refused = new WorkflowUpdateFailedError(
      'update failed',
      ApplicationFailure.create({ message: 'order ord-1 is confirmed, not awaiting a review decision' }),
    );
    expect(updateFailureOf(refused)).toEqual({
      kind: 'refused',
      reason: 'order ord-1 is confirmed, not awaiting a review decision',
    });
  });

  it('tells an ended workflow from one that never existed, and leaves faults to be retried', () => {
    expect(
      updateFailureOf(new WorkflowNotFoundError('workflow execution already completed', 'w', 'r')),
    ).toEqual({ kind: 'closed' });
    expect(updateFailureOf(new WorkflowNotFoundError('sql: no rows in result set', 'w', undefined))).toEqual({
      kind: 'not_found',
    });
    expect(updateFailureOf(new Error('14 UNAVAILABLE: connection refused'))).toBeUndefined();
  });
});
