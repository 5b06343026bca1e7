/** Prices an order's lines from the catalog in PostgreSQL: client prices are never trusted. */
import type { Pool } from 'pg';
import type { OrderLineInput, PricedLine } from '../../contracts/order';
import { DuplicateSkuError, MixedCurrenciesError, UnknownSkuError } from '../http/errors';

export interface PricedLines {
  currency: string;
  lines: PricedLine[];
  totalMinor: number;
}

export async function priceLines(pool: Pool, lines: readonly OrderLineInput[]): Promise<PricedLines> {
  const skus = lines.map((l) => l.sku);
  const repeated = [...new Set(skus.filter((sku, i) => skus.indexOf(sku) !== i))].sort();
  if (repeated.length > 0) throw new DuplicateSkuError(repeated);
  const { rows } = await pool.query<{ sku: string; name: string; price_minor: string; currency: string }>(
    'SELECT sku, name, price_minor, currency FROM products WHERE sku = ANY($1::text[])',
    [lines.map((l) => l.sku)],
  );
  const catalog = new Map(rows.map((r) => [r.sku, r]));
  const unknown = lines.map((l) => l.sku).filter((sku) => !catalog.has(sku));
  if (unknown.length > 0) throw new UnknownSkuError(unknown.sort());
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  if (currencies.length > 1) throw new MixedCurrenciesError(currencies);

  const priced = lines.map((line) => {
    const product = catalog.get(line.sku)!;
    // bigint arrives as a string; catalog prices are far below 2^53, and the product check below proves it.
    const unitPriceMinor = Number(product.price_minor);
    return {
      sku: line.sku,
      quantity: line.quantity,
      name: product.name,
      unitPriceMinor,
      lineTotalMinor: unitPriceMinor * line.quantity,
    };
  });
  const totalMinor = priced.reduce((sum, l) => sum + l.lineTotalMinor, 0);
  if (!Number.isSafeInteger(totalMinor)) throw new Error('order total exceeds the safe integer range');
  return { currency: currencies[0] ?? 'EUR', lines: priced, totalMinor };
}
