/**
 * What the payment steps know of the provider's answers and of their own records: the `payments` row,
 * the idempotency key of each step, and which provider errors are refusals (never retried) rather than
 * outages (retried by the saga).
 */
import type { Payment, PaymentStatus } from '../contracts/payment';
import type { AuthorizePaymentRequest } from './payment-authorization';

export interface PaymentRow {
  status: PaymentStatus | 'authorizing';
  payment_intent_id: string | null;
  amount_minor: string;
  currency: string;
  decline_code: string | null;
  reason: string | null;
}

export const paymentColumns = 'status, payment_intent_id, amount_minor, currency, decline_code, reason';

/** A recorded payment; `authorizing` only while its intent is created but not yet confirmed. */
export type RecordedPayment = Omit<Payment, 'status'> & { status: PaymentStatus | 'authorizing' };

export function authorizationOutcome(
  status: string,
  intentId: string,
  amountMinor: number,
  currency: string,
): Payment {
  return status === 'requires_capture'
    ? { status: 'authorized', paymentIntentId: intentId, amountMinor, currency }
    : {
        status: 'declined',
        paymentIntentId: intentId,
        amountMinor,
        currency,
        declineCode: status,
        reason: `the payment needs ${status.replace(/_/g, ' ')}, which orders cannot do`,
      };
}

export function declinedBy(failure: StripeErrorLike, request: AuthorizePaymentRequest): Payment {
  return {
    status: 'declined',
    amountMinor: request.amountMinor,
    currency: request.currency,
    declineCode: failure.decline_code || failure.code || 'declined',
    reason: failure.message || 'the payment was declined',
  };
}

export const fromRow = (row: PaymentRow): RecordedPayment => ({
  status: row.status,
  ...(row.payment_intent_id ? { paymentIntentId: row.payment_intent_id } : {}),
  amountMinor: Number(row.amount_minor),
  currency: row.currency,
  ...(row.decline_code ? { declineCode: row.decline_code } : {}),
  ...(row.reason ? { reason: row.reason } : {}),
});

/** The key of one step of one order at the provider: the same step of the same order is one operation. */
export const idempotencyKey = (
  orderId: string,
  step: 'authorize' | 'confirm' | 'capture' | 'void' | 'refund',
) => `fusioncommerce-order-${orderId}-${step}`;

export interface StripeErrorLike {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  statusCode?: number;
  payment_intent?: { status?: string };
}

export function stripeError(err: unknown): StripeErrorLike | undefined {
  return typeof err === 'object' && err !== null && typeof (err as StripeErrorLike).type === 'string'
    ? err
    : undefined;
}

/** The provider's answer that it has no such object (localstripe after losing its store, or a wrong id). */
export function isMissingIntent(err: StripeErrorLike): boolean {
  return err.statusCode === 404 || err.code === 'resource_missing';
}

/**
 * The outcome of an authorization whose intent the provider does not know: no money is held, and no retry
 * can change that, so the order is declined (and nothing needs voiding).
 */
export function missingIntentDecline(request: AuthorizePaymentRequest, intentId: string): Payment {
  return {
    status: 'declined',
    paymentIntentId: intentId,
    amountMinor: request.amountMinor,
    currency: request.currency,
    declineCode: 'payment_intent_missing',
    reason: `the payment provider has no payment intent ${intentId}`,
  };
}

/** A refusal that no retry can change: the card or the request is refused, not the provider unavailable. */
export function isProviderRefusal(err: StripeErrorLike): boolean {
  return err.type === 'StripeCardError' || err.type === 'StripeInvalidRequestError';
}
