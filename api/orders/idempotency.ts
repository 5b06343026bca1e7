/**
 * Idempotent submission. The order id is derived from (API key name, Idempotency-Key), so every retry of
 * a submission targets the same workflow id; the `idempotency_keys` row remembers the body's hash and the
 * priced lines, so a retry rebuilds the identical order and a different body under the same key is refused.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { PricedLine, PricedOrder } from '../../contracts/order';

/** Deterministic, opaque order id: `ord-` + 24 hex digits (96 bits) of a SHA-256 over both keys. */
export function deriveOrderId(apiKeyName: string, idempotencyKey: string): string {
  const hash = createHash('sha256')
    .update(`fusioncommerce/order-id\0${apiKeyName}\0${idempotencyKey}`)
    .digest('hex');
  return `ord-${hash.slice(0, 24)}`;
}

/** JSON with object keys sorted at every level, so key order and whitespace do not change the hash. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the validated body in canonical form. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export interface IdempotencyRecord {
  orderId: string;
  requestHash: string;
  currency: string;
  totalMinor: number;
  lines: PricedLine[];
  placedAt: string;
}

interface Row {
  order_id: string;
  request_hash: string;
  currency: string;
  total_minor: string;
  lines: PricedLine[];
  placed_at: Date;
}

const fromRow = (r: Row): IdempotencyRecord => ({
  orderId: r.order_id,
  requestHash: r.request_hash,
  currency: r.currency,
  totalMinor: Number(r.total_minor),
  lines: r.lines,
  placedAt: r.placed_at.toISOString(),
});

export function createIdempotencyStore(pool: Pool) {
  async function find(apiKeyName: string, idempotencyKey: string): Promise<IdempotencyRecord | undefined> {
    const { rows } = await pool.query<Row>(
      `SELECT order_id, request_hash, currency, total_minor, lines, placed_at
         FROM idempotency_keys WHERE api_key_name = $1 AND idempotency_key = $2`,
      [apiKeyName, idempotencyKey],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /**
   * Records the key unless a concurrent request already did; returns the row that won and whether it is
   * ours. Concurrent claims serialise on the primary key, so exactly one of them creates the order. The
   * one that does also queues the saga's start (api/saga-start-outbox.ts), in the same statement: an
   * order is accepted with its start or not at all.
   */
  async function claim(
    apiKeyName: string,
    idempotencyKey: string,
    record: IdempotencyRecord,
    start: { submittedBy: string; order: PricedOrder },
  ): Promise<{ record: IdempotencyRecord; created: boolean }> {
    const inserted = await pool.query(
      `WITH claimed AS (
         INSERT INTO idempotency_keys
           (api_key_name, idempotency_key, request_hash, order_id, currency, total_minor, lines, placed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (api_key_name, idempotency_key) DO NOTHING
         RETURNING order_id
       )
       INSERT INTO saga_start_outbox (order_id, submitted_by, saga_input)
       SELECT order_id, $9, $10 FROM claimed`,
      [
        apiKeyName,
        idempotencyKey,
        record.requestHash,
        record.orderId,
        record.currency,
        record.totalMinor,
        JSON.stringify(record.lines),
        record.placedAt,
        start.submittedBy,
        JSON.stringify(start.order),
      ],
    );
    if (inserted.rowCount === 1) return { record, created: true };
    const existing = await find(apiKeyName, idempotencyKey);
    if (!existing) throw new Error(`idempotency key row for order ${record.orderId} vanished`);
    return { record: existing, created: false };
  }

  return { find, claim };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
