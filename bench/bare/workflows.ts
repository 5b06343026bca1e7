/**
 * The ceiling the saga is compared with: one workflow task, one no-op activity, done. Same server, same
 * SDK, no database, no Kafka, no HTTP.
 */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

export async function bareWorkflow(): Promise<void> {
  await noop();
}
