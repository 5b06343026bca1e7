import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { PricedOrder } from '../../contracts/order';

/** A SKU no other test uses, so stock assertions are exact. */
export function uniqueSku(prefix = 'T'): string {
  return `${prefix}-${randomUUID().slice(0, 8).toUpperCase()}`;
}

export function uniqueOrderId(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 13)}`;
}

export async function seedProduct(
  pool: Pool,
  sku: string,
  priceMinor: number,
  available: number,
): Promise<void> {
  await pool.query(`INSERT INTO products (sku, name, price_minor, currency) VALUES ($1, $2, $3, 'EUR')`, [
    sku,
    `Test product ${sku}`,
    priceMinor,
  ]);
  await pool.query('INSERT INTO stock (sku, available) VALUES ($1, $2)', [sku, available]);
}

export async function availableStock(pool: Pool, sku: string): Promise<number> {
  const { rows } = await pool.query<{ available: number }>('SELECT available FROM stock WHERE sku = $1', [
    sku,
  ]);
  if (!rows[0]) throw new Error(`no stock row for ${sku}`);
  return rows[0].available;
}

/** Builds a priced order the way the API does: line totals and total from the given unit prices. */
export function pricedOrder(
  lines: { sku: string; quantity: number; unitPriceMinor: number }[],
  overrides: Partial<
    Pick<PricedOrder, 'orderId' | 'customerId' | 'contact' | 'shippingAddress' | 'payment'>
  > = {},
): PricedOrder {
  const priced = lines.map((l) => ({
    ...l,
    name: `Test product ${l.sku}`,
    lineTotalMinor: l.unitPriceMinor * l.quantity,
  }));
  return {
    orderId: overrides.orderId ?? uniqueOrderId(),
    customerId: overrides.customerId ?? `cust-${randomUUID().slice(0, 8)}`,
    lines: priced,
    currency: 'EUR',
    totalMinor: priced.reduce((sum, l) => sum + l.lineTotalMinor, 0),
    shippingAddress: overrides.shippingAddress ?? {
      name: 'Ada Lovelace',
      line1: '12 Analytical Row',
      city: 'London',
      postalCode: 'N1 9GU',
      country: 'GB',
    },
    contact: overrides.contact ?? { email: `buyer-${randomUUID().slice(0, 8)}@example.com` },
    ...(overrides.payment ? { payment: overrides.payment } : {}),
    placedAt: new Date().toISOString(),
  };
}
