/**
 * Waits until a worker polls a task queue, so no phase starts against a worker still bundling code. With
 * `identityPrefix` only a poller whose identity starts with it counts: the server keeps listing a killed
 * worker's poller for minutes, so a restarted worker is recognised by its new pid (`<pid>@<host>`).
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export async function waitForPollers(
  client: Client,
  taskQueue: string,
  timeoutMs: number,
  stillWorth: () => boolean,
  identityPrefix = '',
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillWorth()) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if (pollers.some((p) => (p.identity ?? '').startsWith(identityPrefix))) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}
