/** Drives the bare workflow: start it, wait for its result, the same way the saga's orders are driven. */
import type { Client } from '@temporalio/client';
import type { bareWorkflow } from './bare/workflows';
import type { Phase, UnitRegistry } from '../harness/tracker';

export function createBareDriver(client: Client, taskQueue: string, suffix: string, registry: UnitRegistry) {
  let counter = 0;
  return async function submit(phase: Phase): Promise<void> {
    const workflowId = `bench-bare-${suffix}-${counter++}`;
    const sentAt = Date.now();
    let handle;
    try {
      handle = await client.workflow.start<typeof bareWorkflow>('bareWorkflow', {
        taskQueue,
        workflowId,
        args: [],
      });
    } catch (err) {
      phase.fail(err instanceof Error ? err.name : 'error');
      return;
    }
    registry.accept(workflowId, 'bare', phase, sentAt, Date.now());
    try {
      await handle.result();
      registry.settle(workflowId, 'completed', Date.now());
    } catch (err) {
      registry.settle(workflowId, `failed: ${err instanceof Error ? err.name : 'error'}`, Date.now());
    }
  };
}
