/**
 * A run's catalog (the benchmark's, the chaos run's), created through the API with an operator key: a
 * plentiful SKU for the happy path, one priced to land in fraud review, and a low-stock SKU whose orders
 * always come up short.
 */
import { scoreOrder } from '../activities/fraud-rules';
import type { FraudSettings } from '../activities/fraud-rules';
import type { ProductInput } from '../contracts/http-catalog';
import type { OrderInput, PricedOrder } from '../contracts/order';
import type { ApiRequester } from './api-balancer';
import { failureCause } from './api-client';
import type { OrderPath } from './mix';

export interface BenchCatalog {
  plenty: ProductInput;
  review: ProductInput;
  lowStock: ProductInput;
  /** The payment method every order carries (authorized and captured by the saga), or none. */
  paymentMethod?: string;
}

// The stock column is a PostgreSQL integer: as much as it holds, so no run ever runs out.
const PLENTY = 2_000_000_000;
const LOW_STOCK = 2;
const SHORT_QUANTITY = 5;

/**
 * The review SKU costs exactly the high-amount limit: a first order that large scores first_order +
 * high_amount, which with the default thresholds is review, not reject (checked in fraudCheck).
 */
export function benchCatalog(suffix: string, fraud: FraudSettings, paymentMethod?: string): BenchCatalog {
  const sku = (name: string) => `BENCH-${suffix.toUpperCase()}-${name}`;
  const product = (name: string, label: string, priceMinor: number, available: number): ProductInput => ({
    sku: sku(name),
    name: `Benchmark ${label}`,
    priceMinor,
    currency: 'EUR',
    available,
  });
  return {
    plenty: product('PLENTY', 'item', 1_200, PLENTY),
    review: product('REVIEW', 'item held for review', fraud.highAmountMinor, PLENTY),
    lowStock: product('LOW', 'low-stock item', 1_200, LOW_STOCK),
    ...(paymentMethod ? { paymentMethod } : {}),
  };
}

const address = {
  name: 'Bench Customer',
  line1: '1 Load Street',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};

/** The order a customer on `path` submits (one line; every customer is new, so velocity never fires). */
export function orderBody(path: OrderPath, customerId: string, catalog: BenchCatalog): OrderInput {
  const line =
    path === 'short'
      ? { sku: catalog.lowStock.sku, quantity: SHORT_QUANTITY }
      : { sku: (path === 'happy' ? catalog.plenty : catalog.review).sku, quantity: 1 };
  return {
    customerId,
    lines: [line],
    shippingAddress: address,
    contact: { email: `${customerId}@example.com` },
    ...(catalog.paymentMethod ? { payment: { method: catalog.paymentMethod } } : {}),
  };
}

/** Creates the products; fails naming the SKU the API refused. */
export async function seedCatalog(
  api: ApiRequester,
  operatorSecret: string,
  catalog: BenchCatalog,
): Promise<void> {
  for (const product of [catalog.plenty, catalog.review, catalog.lowStock]) {
    const answer = await api.request('POST', '/v1/products', operatorSecret, product);
    if (answer.status !== 201 && answer.status !== 200) {
      throw new Error(`creating product ${product.sku} failed: ${failureCause(answer)}`);
    }
  }
}

/**
 * What the fraud rules of this configuration decide for a first order on each reviewed or happy path, so
 * the report can say when the mix will not take the paths it was built for.
 */
export function fraudCheck(catalog: BenchCatalog, fraud: FraudSettings): string[] {
  const warnings: string[] = [];
  const expectations: [OrderPath, ProductInput, 'approve' | 'review'][] = [
    ['happy', catalog.plenty, 'approve'],
    ['review', catalog.review, 'review'],
  ];
  for (const [path, product, expected] of expectations) {
    const order: PricedOrder = {
      ...orderBody(path, 'bench-check', catalog),
      orderId: 'bench-check',
      lines: [
        {
          sku: product.sku,
          name: product.name,
          quantity: 1,
          unitPriceMinor: product.priceMinor,
          lineTotalMinor: product.priceMinor,
        },
      ],
      currency: product.currency,
      totalMinor: product.priceMinor,
      placedAt: new Date().toISOString(),
    };
    const { decision, score } = scoreOrder(order, { earlierOrders: 0, earlierOrdersInWindow: 0 }, fraud);
    if (decision !== expected) {
      warnings.push(
        `${path} orders score ${score} → ${decision}, not ${expected}: the mix will not take that path`,
      );
    }
  }
  return warnings;
}
