/** What the order route tests share: products with stock, and waiting for a saga's status through the API. */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import type { orderSaga } from '../../workflows';
import { orderWorkflowId } from '../../workflows/messages';
import { seedProduct, uniqueSku } from '../support/catalog';
import { testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';

export const problemJson = /^application\/problem\+json/;

export async function productWithStock(
  api: ApiHarness,
  available: number,
  priceMinor = 1_000,
): Promise<string> {
  const sku = uniqueSku('API');
  await seedProduct(api.saga.pool, sku, priceMinor, available);
  return sku;
}

/** Polls (no fixed sleep) until the saga reports one of the statuses. */
export async function waitForStatus(
  api: ApiHarness,
  orderId: string,
  statuses: string[],
  key: string = testKeys.operator,
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.http().get(`/v1/orders/${orderId}`).set('X-API-Key', key);
    if (res.status === 200 && statuses.includes((res.body as { status: string }).status))
      return res.body as Record<string, unknown>;
    if (Date.now() > deadline)
      throw new Error(`order ${orderId} did not reach ${statuses.join('/')}: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The order's saga once it exists. The API answers 202 once the order is recorded and starts its saga a
 * moment later (the start outbox), so a test that goes straight to Temporal waits for the start first.
 */
export async function sagaOf(api: ApiHarness, orderId: string): Promise<WorkflowHandle<typeof orderSaga>> {
  const handle = api.saga.client.workflow.getHandle<typeof orderSaga>(orderWorkflowId(orderId));
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await handle.describe();
      return handle;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
