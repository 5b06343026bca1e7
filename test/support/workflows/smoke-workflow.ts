// A one-activity workflow used only by the smoke test to prove the worker/server/client round trip.
import { proxyActivities } from '@temporalio/workflow';
import type { SmokeActivities } from '../smoke-activities';

const { greet } = proxyActivities<SmokeActivities>({ startToCloseTimeout: '10s' });

export async function smokeWorkflow(name: string): Promise<string> {
  return `${await greet(name)} (via workflow)`;
}
