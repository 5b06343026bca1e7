import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
// Not re-exported from the package root (see test/support/time-skipping.ts).
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { loadConfig } from '../../platform/config';
import { connectClient, connectWorker } from '../../platform/temporal';
import { createSmokeActivities } from '../support/smoke-activities';
import { orderSearchAttributeKeys } from '../../workflows/search-attributes';

const config = loadConfig();
let client: Client;

beforeAll(async () => {
  client = await connectClient(config);
});
afterAll(async () => {
  await client.connection.close();
});

describe('Temporal server (real)', () => {
  it('runs a workflow and its activity on a worker and returns the result through the client', async () => {
    const connection = await connectWorker(config);
    const taskQueue = `smoke-${randomUUID()}`;
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('../support/workflows/smoke-workflow'),
      activities: createSmokeActivities(),
    });
    const result: string = await worker.runUntil(
      client.workflow.execute<(name: string) => Promise<string>>('smokeWorkflow', {
        taskQueue,
        workflowId: `smoke-${randomUUID()}`,
        args: ['temporal'],
      }),
    );
    await connection.close();
    expect(result).toBe(`hello temporal from pid ${process.pid} (via workflow)`);
  });

  it('has the order search attributes registered on the namespace', async () => {
    const response = await client.connection.operatorService.listSearchAttributes({
      namespace: config.temporal.namespace,
    });
    const custom = response.customAttributes ?? {};
    for (const key of orderSearchAttributeKeys) {
      expect([key.name, custom[key.name]]).toEqual([
        key.name,
        encodeSearchAttributeIndexedValueType(key.type),
      ]);
    }
  });
});
