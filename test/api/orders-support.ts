/** What the order route tests share: products with stock, and waiting for a saga's status through the API. */
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
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await api.http().get(`/v1/orders/${orderId}`).set('X-API-Key', key);
    if (res.status === 200 && statuses.includes((res.body as { status: string }).status))
      return res.body as Record<string, unknown>;
    if (Date.now() > deadline)
      throw new Error(`order ${orderId} did not reach ${statuses.join('/')}: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
