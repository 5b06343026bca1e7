/**
 * The start outbox (migration 009): an order the API has accepted waits here, with its saga's input, until
 * its saga is started. The row is written with the order's idempotency key in one statement
 * (api/idempotency.ts), so an accepted order is never lost: the API answers 202 once it is written, starts
 * the saga right after, and deletes the row; a row left behind is started by a sweeper (api/saga-starter.ts).
 */
import type { Pool } from 'pg';
import { PricedOrder } from '../contracts/order';

export interface QueuedStart {
  orderId: string;
  /** The API key's name, kept in the saga's memo (who may cancel it). */
  submittedBy: string;
  order: PricedOrder;
  acceptedAt: Date;
}

interface Row {
  order_id: string;
  submitted_by: string;
  saga_input: unknown;
  accepted_at: Date;
}

const fromRow = (r: Row): QueuedStart => ({
  orderId: r.order_id,
  submittedBy: r.submitted_by,
  // Parsed as any saga input is: a row written by an older API must still describe a valid order.
  order: PricedOrder.parse(r.saga_input),
  acceptedAt: r.accepted_at,
});

export function createSagaStartOutbox(pool: Pool) {
  return {
    async find(orderId: string): Promise<QueuedStart | undefined> {
      const { rows } = await pool.query<Row>(
        'SELECT order_id, submitted_by, saga_input, accepted_at FROM saga_start_outbox WHERE order_id = $1',
        [orderId],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /** Rows accepted at least `olderThanMs` ago, oldest first: their first start did not happen. */
    async due(olderThanMs: number, limit: number): Promise<QueuedStart[]> {
      const { rows } = await pool.query<Row>(
        `SELECT order_id, submitted_by, saga_input, accepted_at FROM saga_start_outbox
          WHERE accepted_at < now() - make_interval(secs => $1::double precision / 1000)
          ORDER BY accepted_at LIMIT $2`,
        [olderThanMs, limit],
      );
      return rows.map(fromRow);
    },

    /** The saga exists: the row (and the customer data in it) goes. */
    async remove(orderId: string): Promise<void> {
      await pool.query('DELETE FROM saga_start_outbox WHERE order_id = $1', [orderId]);
    },
  };
}

export type SagaStartOutbox = ReturnType<typeof createSagaStartOutbox>;
