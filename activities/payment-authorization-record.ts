/**
 * How the authorization's outcome is recorded and read back: the payment row, its event and the step's
 * answer in one transaction, and the answer an authorization gave even after later steps moved the row on.
 */
import type { Pool, PoolClient } from 'pg';
import { stampedOrderEvent } from '../contracts/events';
import type { EventStamp } from '../contracts/events';
import type { Payment } from '../contracts/payment';
import { inTransaction } from '../platform/database';
import { writeToOutbox } from '../platform/outbox';
import { lockStep, readAnswer, recordAnswer, replayAnswer } from './step-answers';
import type { AuthorizePaymentRequest } from './payment-authorization';
import { fromRow, paymentColumns } from './payment-records';
import type { PaymentRow, RecordedPayment } from './payment-records';
import { currentPayment } from './payment-rows';

/** What an authorization is asked: a repeat asking another amount or method is a divergence. */
export const askedOf = ({ amountMinor, currency, method }: AuthorizePaymentRequest) => ({
  amountMinor,
  currency,
  method,
});

/**
 * What the authorization answered, read from a payment row that later steps may have moved on: a
 * captured, refunded or voided payment with an intent was authorized; a declined one was declined.
 */
export function authorizationOf(payment: RecordedPayment): Payment {
  if (payment.status === 'declined') return payment as Payment;
  const { paymentIntentId, amountMinor, currency } = payment;
  return { status: 'authorized', ...(paymentIntentId ? { paymentIntentId } : {}), amountMinor, currency };
}

async function withClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, () => work(client));
  } finally {
    client.release();
  }
}

/** Records the authorization's outcome with its event and answer, unless an attempt recorded one first. */
export function recordAuthorization(
  pool: Pool,
  request: AuthorizePaymentRequest,
  outcome: Payment,
  stamp: EventStamp,
): Promise<Payment> {
  const { orderId, amountMinor, currency } = request;
  return withClient(pool, async (client) => {
    await lockStep(client, orderId, 'authorize');
    // A concurrent duplicate attempt recorded first: its answer (and event) stand.
    const answered = await readAnswer<Payment>(client, orderId, 'authorize', askedOf(request));
    if (answered) return replayAnswer(answered);
    const { rows } = await client.query<PaymentRow>(
      `INSERT INTO payments (order_id, status, payment_intent_id, amount_minor, currency, decline_code, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (order_id) DO UPDATE
         SET status = excluded.status, decline_code = excluded.decline_code, reason = excluded.reason,
             updated_at = now()
         WHERE payments.status = 'authorizing'
       RETURNING ${paymentColumns}`,
      [
        orderId,
        outcome.status,
        outcome.paymentIntentId ?? null,
        amountMinor,
        currency,
        outcome.declineCode ?? null,
        outcome.reason ?? null,
      ],
    );
    // Decided by an attempt from before step answers were recorded.
    if (!rows[0]) return authorizationOf((await currentPayment(client, orderId))!);
    await writeToOutbox(client, [
      outcome.status === 'authorized'
        ? stampedOrderEvent(stamp, 'payment.authorized', {
            orderId,
            paymentIntentId: outcome.paymentIntentId!,
            amountMinor,
            currency,
          })
        : stampedOrderEvent(stamp, 'payment.declined', {
            orderId,
            amountMinor,
            currency,
            declineCode: outcome.declineCode!,
            reason: outcome.reason!,
          }),
    ]);
    return replayAnswer(
      await recordAnswer(
        client,
        orderId,
        'authorize',
        { returned: fromRow(rows[0]) as Payment },
        askedOf(request),
      ),
    );
  });
}
