/** Waits until a worker polls a task queue, so no phase starts against a worker still bundling code. */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export async function waitForPollers(
  client: Client,
  taskQueue: string,
  timeoutMs: number,
  stillWorth: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillWorth()) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if (pollers.length > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}
