import { WorkflowNotFoundError } from '@temporalio/client';
import { isClosedWorkflowError } from '../../platform/closed-workflow';

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
