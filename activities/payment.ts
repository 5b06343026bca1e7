/**
 * The payment steps: authorize the order total (manual capture) after the stock is reserved, capture it
 * at confirmation, void or refund it as compensation. Each provider call carries an idempotency key
 * derived from the order and the step, so a retried or duplicated attempt never charges twice; each
 * outcome is recorded in `payments` with its event and the step's answer (activities/step-answers.ts) in
 * one transaction, and a repeat returns that first answer: the authorization answers `authorized` even
 * once the payment is captured. Transient provider faults (unreachable, 5xx, rate limits, a bad key) are
 * thrown and retried by the saga; a decline is an outcome, not a fault, and so is an intent the provider
 * no longer knows (it holds no money: nothing to wait for).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import type Stripe from 'stripe';
import { stampedOrderEvent } from '../contracts/events';
import type { EventStamp, OrderEvent } from '../contracts/events';
import type { Payment, PaymentStatus } from '../contracts/payment';
import { PaymentFailureType } from '../contracts/payment-failures';
import { inTransaction } from '../platform/database';
import { writeToOutbox } from '../platform/outbox';
import { answerOnce, lockStep, readAnswer, recordAnswer, replayAnswer } from './step-answers';
import {
  authorizationOutcome,
  declinedBy,
  fromRow,
  idempotencyKey,
  isMissingIntent,
  isRefusal,
  missingIntentDecline,
  paymentColumns,
  stripeError,
} from './payment-records';
import type { PaymentRow, RecordedPayment, StripeErrorLike } from './payment-records';

export interface AuthorizePaymentRequest {
  orderId: string;
  customerId: string;
  amountMinor: number;
  currency: string;
  /** Payment method id or token from the provider. */
  method: string;
}

export interface CompensatedPayment {
  payment?: Payment;
  /** True when the payment was voided or refunded (its event written with the given stamp). */
  undone: boolean;
}

export function createPaymentActivities(pool: Pool, stripe: Stripe) {
  async function withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      return await inTransaction(client, () => work(client));
    } finally {
      client.release();
    }
  }

  async function currentPayment(
    db: Pool | PoolClient,
    orderId: string,
  ): Promise<RecordedPayment | undefined> {
    const { rows } = await db.query<PaymentRow>(
      `SELECT ${paymentColumns} FROM payments WHERE order_id = $1`,
      [orderId],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }
  const recorded = (orderId: string) => currentPayment(pool, orderId);

  /**
   * The order's PaymentIntent: the one its payment row records (read by the caller), or else created
   * (unconfirmed, so nothing is held yet) and recorded once.
   */
  async function intentOf(request: AuthorizePaymentRequest, knownIntent?: string): Promise<string> {
    const { orderId, amountMinor, currency } = request;
    if (knownIntent) return knownIntent;
    const created = await stripe.paymentIntents.create(
      {
        amount: amountMinor,
        currency: currency.toLowerCase(),
        capture_method: 'manual',
        payment_method: request.method,
        metadata: { orderId, customerId: request.customerId },
      },
      { idempotencyKey: idempotencyKey(orderId, 'authorize') },
    );
    const recordedIntent = await pool.query<{ payment_intent_id: string }>(
      `WITH inserted AS (
         INSERT INTO payments (order_id, status, payment_intent_id, amount_minor, currency)
         VALUES ($1, 'authorizing', $2, $3, $4) ON CONFLICT (order_id) DO NOTHING RETURNING payment_intent_id)
       SELECT payment_intent_id FROM inserted
       UNION ALL SELECT payment_intent_id FROM payments WHERE order_id = $1`,
      [orderId, created.id, amountMinor, currency],
    );
    const intentId = recordedIntent.rows[0]!.payment_intent_id;
    // A concurrent attempt recorded its intent first: ours was never confirmed, so it holds nothing.
    if (intentId !== created.id) await stripe.paymentIntents.cancel(created.id).catch(() => undefined);
    return intentId;
  }

  /**
   * Authorizes the order total with manual capture and records the outcome — `authorized` or `declined` —
   * with its event (payment.authorized / payment.declined). Every attempt confirms the one PaymentIntent
   * recorded for the order, and the first recorded outcome is the answer of every repeat.
   */
  async function authorizePayment(request: AuthorizePaymentRequest, stamp: EventStamp): Promise<Payment> {
    const answered = await readAnswer<Payment>(pool, request.orderId, 'authorize', askedOf(request));
    if (answered) return replayAnswer(answered);
    const earlier = await recorded(request.orderId);
    // Decided before step answers were recorded (a saga running across the upgrade): that decision.
    if (earlier && earlier.status !== 'authorizing') return authorizationOf(earlier);
    const { orderId, amountMinor, currency } = request;
    let intentId: string;
    try {
      intentId = await intentOf(request, earlier?.paymentIntentId);
    } catch (err) {
      // The provider would not even create the intent (say, an unknown payment method): a decline.
      const failure = stripeError(err);
      if (!failure || !isRefusal(failure)) throw err;
      return recordAuthorization(request, declinedBy(failure, request), stamp);
    }
    let outcome: Payment;
    try {
      const intent = await stripe.paymentIntents.confirm(
        intentId,
        {},
        { idempotencyKey: idempotencyKey(orderId, 'confirm') },
      );
      outcome = authorizationOutcome(intent.status, intentId, amountMinor, currency);
    } catch (err) {
      const failure = stripeError(err);
      if (!failure || !isRefusal(failure)) throw err;
      // Confirmed by an attempt whose answer was lost: the intent says how that went. An intent the
      // provider does not know holds nothing, and no retry will make it known: a decline.
      const intent = await retrieveIntent(intentId);
      outcome = !intent
        ? missingIntentDecline(request, intentId)
        : intent.status === 'requires_capture'
          ? authorizationOutcome(intent.status, intentId, amountMinor, currency)
          : { ...declinedBy(failure, request), paymentIntentId: intentId };
    }
    return recordAuthorization(request, outcome, stamp);
  }

  /** The intent as the provider has it, or undefined when the provider answers that it has none. */
  async function retrieveIntent(intentId: string): Promise<Stripe.PaymentIntent | undefined> {
    try {
      return await stripe.paymentIntents.retrieve(intentId);
    } catch (err) {
      const failure = stripeError(err);
      if (failure && isMissingIntent(failure)) return undefined;
      throw err;
    }
  }

  /** Records the authorization's outcome with its event and answer, unless an attempt recorded one first. */
  function recordAuthorization(
    request: AuthorizePaymentRequest,
    outcome: Payment,
    stamp: EventStamp,
  ): Promise<Payment> {
    const { orderId, amountMinor, currency } = request;
    return withClient(async (client) => {
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

  /**
   * Runs a step on the order's payment once (its answer recorded; a repeat returns it) while holding the
   * payment row's lock, so duplicate attempts of a step take turns: the second sees what the first
   * recorded. The lock spans the provider call (at most its 20 s timeout) because a provider that ignores
   * idempotency keys would otherwise capture or refund twice.
   */
  function onPayment<T>(
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
  async function record(
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

  function refused(orderId: string, step: string, err: StripeErrorLike): ApplicationFailure {
    return ApplicationFailure.create({
      type: PaymentFailureType.paymentRefused,
      message: `the payment provider refused to ${step} the payment of order ${orderId}: ${err.message || err.code || err.type}`,
      nonRetryable: true,
    });
  }

  /**
   * Captures the authorized payment (payment.captured). A repeat answers the capture, or the same refusal
   * (an authorization the provider no longer holds: expired, voided, or an intent it does not know).
   */
  function capturePayment(orderId: string, stamp: EventStamp): Promise<Payment> {
    return onPayment(orderId, 'capture', async (client, payment) => {
      // Captured before step answers were recorded (a saga running across the upgrade).
      if (payment?.status === 'captured') return payment as Payment;
      if (payment?.status !== 'authorized' || !payment.paymentIntentId) {
        throw ApplicationFailure.create({
          type: PaymentFailureType.paymentMissing,
          message: `order ${orderId} has no authorized payment to capture (${payment?.status ?? 'none'})`,
          nonRetryable: true,
        });
      }
      const intentId = payment.paymentIntentId;
      try {
        await stripe.paymentIntents.capture(
          intentId,
          {},
          { idempotencyKey: idempotencyKey(orderId, 'capture') },
        );
      } catch (err) {
        const failure = stripeError(err);
        if (!failure || !isRefusal(failure)) throw err;
        // Captured by an attempt whose answer was lost: the provider says so, and that is success.
        const intent = await retrieveIntent(intentId);
        if (!intent) {
          throw refused(orderId, 'capture', { message: `the payment provider has no intent ${intentId}` });
        }
        if (intent.status !== 'succeeded') throw refused(orderId, 'capture', failure);
      }
      const { amountMinor, currency } = payment;
      return record(
        client,
        orderId,
        'captured',
        stampedOrderEvent(stamp, 'payment.captured', {
          orderId,
          paymentIntentId: intentId,
          amountMinor,
          currency,
        }),
      );
    });
  }

  /** The refund of the order's capture: the one already made if any, so a retry never refunds twice. */
  async function refundOf(orderId: string, intentId: string): Promise<string> {
    const existing = await stripe.refunds.list({ payment_intent: intentId, limit: 1 });
    if (existing.data[0]) return existing.data[0].id;
    const refund = await stripe.refunds.create(
      { payment_intent: intentId, metadata: { orderId } },
      { idempotencyKey: idempotencyKey(orderId, 'refund') },
    );
    return refund.id;
  }

  /**
   * Cancels the intent; one already canceled (by an attempt whose answer was lost) is the same outcome,
   * and so is one the provider does not know: it holds nothing to release.
   */
  async function cancelIntent(orderId: string, intentId: string): Promise<void> {
    try {
      await stripe.paymentIntents.cancel(intentId, {}, { idempotencyKey: idempotencyKey(orderId, 'void') });
    } catch (err) {
      const failure = stripeError(err);
      if (!failure || !isRefusal(failure)) throw err;
      const intent = await retrieveIntent(intentId);
      if (intent && intent.status !== 'canceled') throw refused(orderId, 'void', failure);
    }
  }

  /**
   * Compensation: voids an authorization (payment.voided) or refunds a capture (payment.refunded). An
   * order without a payment, or with a declined one, has nothing to undo.
   */
  function voidPayment(orderId: string, stamp: EventStamp): Promise<CompensatedPayment> {
    return onPayment(orderId, 'void', async (client, payment) => {
      // Undone before step answers were recorded (a saga running across the upgrade): that attempt did the
      // work and wrote the event.
      if (payment?.status === 'voided' || payment?.status === 'refunded') {
        return { payment: payment as Payment, undone: true };
      }
      if (!payment?.paymentIntentId || payment.status === 'declined') {
        return { ...(payment ? { payment: payment as Payment } : {}), undone: false };
      }
      const intentId = payment.paymentIntentId;
      const base = {
        orderId,
        paymentIntentId: intentId,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
      };
      if (payment.status === 'captured') {
        const refundId = await refundOf(orderId, intentId);
        const refunded = await record(
          client,
          orderId,
          'refunded',
          stampedOrderEvent(stamp, 'payment.refunded', { ...base, refundId }),
          refundId,
        );
        return { payment: refunded, undone: true };
      }
      // Authorized, or still `authorizing` (an intent that may have been confirmed when the saga gave up).
      await cancelIntent(orderId, intentId);
      const voided = await record(
        client,
        orderId,
        'voided',
        stampedOrderEvent(stamp, 'payment.voided', base),
      );
      return { payment: voided, undone: true };
    });
  }

  return { authorizePayment, capturePayment, voidPayment };
}

/** What an authorization is asked: a repeat asking another amount or method is a divergence. */
const askedOf = ({ amountMinor, currency, method }: AuthorizePaymentRequest) => ({
  amountMinor,
  currency,
  method,
});

/** Refusals the capture and the void record as their answer (each raised again by every repeat). */
const paymentRefusals = Object.values(PaymentFailureType);

/**
 * What the authorization answered, read from a payment row that later steps may have moved on: a
 * captured, refunded or voided payment with an intent was authorized; a declined one was declined.
 */
function authorizationOf(payment: RecordedPayment): Payment {
  if (payment.status === 'declined') return payment as Payment;
  const { paymentIntentId, amountMinor, currency } = payment;
  return { status: 'authorized', ...(paymentIntentId ? { paymentIntentId } : {}), amountMinor, currency };
}

export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
