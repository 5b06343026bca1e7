/**
 * The payment steps' reads and writes of the order's `payments` row in PostgreSQL (the row's shape is in
 * activities/payment-records.ts).
 */
import type { Pool, PoolClient } from 'pg';
import type { OrderEvent } from '../contracts/events';
import type { Payment, PaymentStatus } from '../contracts/payment';
import { PaymentFailureType } from '../contracts/payment-failures';
import { writeToOutbox } from '../platform/outbox';
import { fromRow, paymentColumns } from './payment-records';
import type { PaymentRow, RecordedPayment } from './payment-records';
import { answerOnce } from './step-answers';

export async function currentPayment(
  db: Pool | PoolClient,
  orderId: string,
): Promise<RecordedPayment | undefined> {
  const { rows } = await db.query<PaymentRow>(`SELECT ${paymentColumns} FROM payments WHERE order_id = $1`, [
    orderId,
  ]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Refusals the capture and the void record as their answer (each raised again by every repeat). */
const paymentRefusals = Object.values(PaymentFailureType);

/**
 * Runs a step on the order's payment once (its answer recorded; a repeat returns it) while holding the
 * payment row's lock, so duplicate attempts of a step take turns: the second sees what the first
 * recorded. The lock spans the provider call (at most its 20 s timeout) because a provider that ignores
 * idempotency keys would otherwise capture or refund twice.
 */
export function onPayment<T>(
  pool: Pool,
  orderId: string,
  step: 'capture' | 'void',
  work: (client: PoolClient, payment?: RecordedPayment) => Promise<T>,
) {
  return answerOnce(pool, orderId, step, paymentRefusals, async (client) => {
    const { rows } = await client.query<PaymentRow>(
      `SELECT ${paymentColumns} FROM payments WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    return work(client, rows[0] ? fromRow(rows[0]) : undefined);
  });
}

/** Records the payment's next status with its event, in the locked transaction. */
export async function recordStatus(
  client: PoolClient,
  orderId: string,
  to: PaymentStatus,
  event: OrderEvent,
  refundId?: string,
): Promise<Payment> {
  const { rows } = await client.query<PaymentRow>(
    `UPDATE payments SET status = $2, refund_id = coalesce($3, refund_id), updated_at = now()
      WHERE order_id = $1 RETURNING ${paymentColumns}`,
    [orderId, to, refundId ?? null],
  );
  await writeToOutbox(client, [event]);
  return fromRow(rows[0]!) as Payment;
}
