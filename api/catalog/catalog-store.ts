/** Products and stock in PostgreSQL, as the catalog routes see them. */
import type { Pool } from 'pg';
import type { InventoryLevel, Product, ProductInput, ProductList } from '../../contracts/http-catalog';
import { inTransaction } from '../../platform/database';
import { writeToOutbox } from '../../platform/outbox';
import { ProductExistsError, ProductNotFoundError } from '../http/errors';
import { productCreatedEvent } from './catalog-events';

export interface CreateProductOptions {
  /** Runs inside the create's transaction after the product, its stock and its event are written. */
  beforeCommit?: (product: Product) => Promise<void>;
}

interface ProductRow {
  sku: string;
  name: string;
  price_minor: string;
  currency: string;
  available: number | null;
  created_at: Date;
}

const toProduct = (r: ProductRow): Product => ({
  sku: r.sku,
  name: r.name,
  priceMinor: Number(r.price_minor),
  currency: r.currency,
  available: r.available ?? 0,
  createdAt: r.created_at.toISOString(),
});

const productColumns = `p.sku, p.name, p.price_minor, p.currency, s.available, p.created_at
  FROM products p LEFT JOIN stock s ON s.sku = p.sku`;

export function createCatalogStore(pool: Pool) {
  /**
   * Creates the product, its stock row and its `product.created` event in the outbox, in one transaction:
   * the three commit together or not at all, and the relay publishes the event once it is committed (a
   * Kafka outage delays it, never fails the create). The same product posted again is a replay and writes
   * nothing; a different one under a taken SKU is refused before anything is written. `beforeCommit`
   * runs last inside the transaction (tests use it to fail a create after everything was written).
   */
  async function createProduct(
    input: ProductInput,
    { beforeCommit }: CreateProductOptions = {},
  ): Promise<{ product: Product; created: boolean }> {
    const client = await pool.connect();
    try {
      return await inTransaction(client, async () => {
        const inserted = await client.query(
          `INSERT INTO products (sku, name, price_minor, currency) VALUES ($1, $2, $3, $4) ON CONFLICT (sku) DO NOTHING`,
          [input.sku, input.name, input.priceMinor, input.currency],
        );
        if (inserted.rowCount === 1) {
          await client.query('INSERT INTO stock (sku, available) VALUES ($1, $2)', [
            input.sku,
            input.available,
          ]);
        }
        const { rows } = await client.query<ProductRow>(`SELECT ${productColumns} WHERE p.sku = $1`, [
          input.sku,
        ]);
        const product = toProduct(rows[0]!);
        if (inserted.rowCount !== 1) {
          const same =
            product.name === input.name &&
            product.priceMinor === input.priceMinor &&
            product.currency === input.currency;
          if (!same) throw new ProductExistsError(input.sku);
          return { product, created: false };
        }
        await writeToOutbox(client, [productCreatedEvent(product)]);
        await beforeCommit?.(product);
        return { product, created: true };
      });
    } finally {
      client.release();
    }
  }

  /** Products in SKU order after `afterSku` (keyset pagination: stable under concurrent inserts). */
  async function listProducts(pageSize: number, afterSku?: string): Promise<ProductList> {
    const { rows } = await pool.query<ProductRow>(
      `SELECT ${productColumns} WHERE ($1::text IS NULL OR p.sku > $1) ORDER BY p.sku LIMIT $2`,
      [afterSku ?? null, pageSize + 1],
    );
    const page = rows.slice(0, pageSize).map(toProduct);
    const last = page[page.length - 1];
    return {
      products: page,
      ...(rows.length > pageSize && last
        ? { nextPageToken: Buffer.from(last.sku).toString('base64url') }
        : {}),
    };
  }

  async function inventory(sku: string): Promise<InventoryLevel> {
    const { rows } = await pool.query<{
      sku: string;
      available: number | null;
      reserved: string;
      updated_at: Date | null;
      created_at: Date;
    }>(
      `SELECT p.sku, s.available, s.updated_at, p.created_at,
              COALESCE((SELECT sum(l.quantity) FROM reservation_lines l
                          JOIN reservations r ON r.order_id = l.order_id AND r.status = 'reserved'
                         WHERE l.sku = p.sku), 0) AS reserved
         FROM products p LEFT JOIN stock s ON s.sku = p.sku WHERE p.sku = $1`,
      [sku],
    );
    const row = rows[0];
    if (!row) throw new ProductNotFoundError(sku);
    return {
      sku: row.sku,
      available: row.available ?? 0,
      reserved: Number(row.reserved),
      updatedAt: (row.updated_at ?? row.created_at).toISOString(),
    };
  }

  async function setAvailable(sku: string, available: number): Promise<InventoryLevel> {
    const { rowCount } = await pool.query(
      `INSERT INTO stock (sku, available) SELECT sku, $2 FROM products WHERE sku = $1
       ON CONFLICT (sku) DO UPDATE SET available = EXCLUDED.available, updated_at = now()`,
      [sku, available],
    );
    if (rowCount === 0) throw new ProductNotFoundError(sku);
    return inventory(sku);
  }

  return { createProduct, listProducts, inventory, setAvailable };
}

export type CatalogStore = ReturnType<typeof createCatalogStore>;
