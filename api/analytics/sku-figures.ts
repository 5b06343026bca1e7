/**
 * Per-SKU figures read from Druid: the best sellers and the units reserved, released and committed.
 * Lines are JSON arrays in the events, unnested by Druid. A SKU appears once per order (the API refuses a
 * SKU on two lines), so grouping by order and SKU first counts a redelivered event once.
 */
import type { InventoryFlow, ResolvedRange, TopSkus } from '../../contracts/http-analytics';
import type { DruidSql } from '../../platform/druid';
import { IN_RANGE, ORDER_EVENTS, count, rangeOf, rangeParameters } from './sql';

interface SkuUnits {
  sku: string;
  units: number | null;
  orders: number;
}

/** One row per (order, event type, SKU) with its quantity, for orders' lines of the given event types. */
function linesOf(types: readonly string[]): string {
  return `SELECT orderId, "type", JSON_VALUE(line, '$.sku') AS sku,
                 MAX(JSON_VALUE(line, '$.quantity' RETURNING BIGINT)) AS quantity
            FROM ${ORDER_EVENTS} CROSS JOIN UNNEST(JSON_QUERY_ARRAY(lines, '$')) AS placed(line)
           WHERE ${IN_RANGE} AND "type" IN (${types.map(() => '?').join(', ')})
           GROUP BY 1, 2, 3`;
}

/**
 * Units per SKU in orders placed in the range and confirmed in it. The confirmed orders are matched after
 * the lines are unnested and grouped: Druid loses the JSON column when the join comes first.
 */
async function confirmedUnits(druid: DruidSql, range: ResolvedRange, limit: number): Promise<SkuUnits[]> {
  return druid.query<SkuUnits>(
    `SELECT sku, SUM(quantity) AS units, COUNT(*) AS orders
       FROM (${linesOf(['order.created'])})
      WHERE orderId IN (SELECT orderId FROM ${ORDER_EVENTS} WHERE ${IN_RANGE} AND "type" = 'order.confirmed')
      GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?`,
    [...rangeParameters(range), 'order.created', ...rangeParameters(range), limit],
  );
}

export async function topSkus(druid: DruidSql, range: ResolvedRange, limit: number): Promise<TopSkus> {
  const rows = await confirmedUnits(druid, range, limit);
  return {
    range: rangeOf(range),
    skus: rows.map((row) => ({ sku: row.sku, units: count(row.units), orders: row.orders })),
  };
}

/** SKUs the inventory figure lists at most (the most reserved first). */
const INVENTORY_SKUS = 200;

export async function inventoryFlow(druid: DruidSql, range: ResolvedRange): Promise<InventoryFlow> {
  const [moved, committed] = await Promise.all([
    druid.query<{ sku: string; reserved: number | null; released: number | null }>(
      `SELECT sku,
              SUM(CASE WHEN "type" = 'inventory.reserved' THEN quantity ELSE 0 END) AS reserved,
              SUM(CASE WHEN "type" = 'inventory.released' THEN quantity ELSE 0 END) AS released
         FROM (${linesOf(['inventory.reserved', 'inventory.released'])})
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?`,
      [...rangeParameters(range), 'inventory.reserved', 'inventory.released', INVENTORY_SKUS],
    ),
    // A confirmed order commits what it reserved: all of its lines (a reservation is all or nothing).
    confirmedUnits(druid, range, INVENTORY_SKUS),
  ]);
  const committedBySku = new Map(committed.map((row) => [row.sku, count(row.units)]));
  return {
    range: rangeOf(range),
    skus: moved.map((row) => ({
      sku: row.sku,
      reserved: count(row.reserved),
      released: count(row.released),
      committed: committedBySku.get(row.sku) ?? 0,
    })),
  };
}
