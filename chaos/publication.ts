/**
 * When each order's terminal event was acknowledged by Kafka, from the outbox (published_at is set once
 * Kafka acknowledged the batch). Read after the run, so the fault windows measure the product rather than
 * how fast the run's own consumer rejoined its group after a broker restart.
 */
import type { Pool } from 'pg';
import { terminalTypes } from '../harness/event-audit';
import type { OrderLedger } from './ledger';

export async function stampPublication(pool: Pool, ledger: OrderLedger): Promise<void> {
  const byOrderId = new Map(ledger.accepted().map((o) => [o.orderId ?? '', o]));
  const { rows } = await pool.query<{ message_key: string; published_at: Date }>(
    `SELECT message_key, min(published_at) AS published_at FROM outbox_events
      WHERE message_key = ANY($1) AND type = ANY($2) AND published_at IS NOT NULL
      GROUP BY message_key`,
    [[...byOrderId.keys()], terminalTypes],
  );
  for (const row of rows) {
    const order = byOrderId.get(row.message_key);
    if (order) order.publishedAt = row.published_at.getTime();
  }
}
