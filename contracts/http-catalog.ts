/** HTTP bodies of catalog and stock administration (`/v1/products`, `/v1/inventory`). */
import { z } from 'zod';
import { CurrencyCode, MinorUnits, Sku } from './order';
import { linePattern, textRules } from './plain-text';

// Stock counts live in a PostgreSQL integer column.
const StockCount = z.number().int().min(0).max(2_147_483_647);

export const ProductInput = z.object({
  sku: Sku,
  name: z.string().trim().min(1).max(200).regex(linePattern.required, textRules.lineRequired),
  priceMinor: MinorUnits,
  currency: CurrencyCode,
  /** Units available for sale from the start (default 0). */
  available: StockCount.default(0),
});
export type ProductInput = z.infer<typeof ProductInput>;

export const Product = z.object({
  sku: Sku,
  name: z.string(),
  priceMinor: MinorUnits,
  currency: CurrencyCode,
  available: StockCount,
  createdAt: z.iso.datetime(),
});
export type Product = z.infer<typeof Product>;

export const ProductListQuery = z.object({
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  pageToken: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'pageToken must be a token returned by a previous page')
    .optional(),
});
export type ProductListQuery = z.infer<typeof ProductListQuery>;

export const ProductList = z.object({
  products: z.array(Product),
  nextPageToken: z.string().optional(),
});
export type ProductList = z.infer<typeof ProductList>;

export const SkuParams = z.object({ sku: Sku });

export const InventoryUpdate = z.object({ available: StockCount });
export type InventoryUpdate = z.infer<typeof InventoryUpdate>;

export const InventoryLevel = z.object({
  sku: Sku,
  /** Units free to reserve. */
  available: StockCount,
  /** Units held by reservations of orders still in progress. */
  reserved: StockCount,
  updatedAt: z.iso.datetime(),
});
export type InventoryLevel = z.infer<typeof InventoryLevel>;
