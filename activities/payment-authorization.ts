/**
 * The authorization step: holds the order total (manual capture) once the stock is reserved, by
 * confirming the one PaymentIntent recorded for the order (activities/payment-authorization-record.ts
 * records the outcome).
 */
import type { Pool } from 'pg';
import type Stripe from 'stripe';
import type { EventStamp } from '../contracts/events';
import type { Payment } from '../contracts/payment';
import { readAnswer, replayAnswer } from './step-answers';
import { askedOf, authorizationOf, recordAuthorization } from './payment-authorization-record';
import {
  authorizationOutcome,
  declinedBy,
  idempotencyKey,
  isProviderRefusal,
  missingIntentDecline,
  stripeError,
} from './payment-records';
import { retrieveIntent } from './payment-provider';
import { currentPayment } from './payment-rows';

export interface AuthorizePaymentRequest {
  orderId: string;
  customerId: string;
  amountMinor: number;
  currency: string;
  /** Payment method id or token from the provider. */
  method: string;
}

export function createAuthorizePayment(pool: Pool, stripe: Stripe) {
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
    const earlier = await currentPayment(pool, request.orderId);
    // Decided before step answers were recorded (a saga running across the upgrade): that decision.
    if (earlier && earlier.status !== 'authorizing') return authorizationOf(earlier);
    const { orderId, amountMinor, currency } = request;
    let intentId: string;
    try {
      intentId = await intentOf(request, earlier?.paymentIntentId);
    } catch (err) {
      // The provider would not even create the intent (say, an unknown payment method): a decline.
      const failure = stripeError(err);
      if (!failure || !isProviderRefusal(failure)) throw err;
      return recordAuthorization(pool, request, declinedBy(failure, request), stamp);
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
      if (!failure || !isProviderRefusal(failure)) throw err;
      // Confirmed by an attempt whose answer was lost: the intent says how that went. An intent the
      // provider does not know holds nothing, and no retry will make it known: a decline.
      const intent = await retrieveIntent(stripe, intentId);
      outcome = !intent
        ? missingIntentDecline(request, intentId)
        : intent.status === 'requires_capture'
          ? authorizationOutcome(intent.status, intentId, amountMinor, currency)
          : { ...declinedBy(failure, request), paymentIntentId: intentId };
    }
    return recordAuthorization(pool, request, outcome, stamp);
  }

  return authorizePayment;
}
