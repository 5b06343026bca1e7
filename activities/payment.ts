/**
 * The payment steps: authorize the order total (manual capture) after the stock is reserved
 * (activities/payment-authorization.ts), capture it at confirmation (activities/payment-capture.ts), void
 * or refund it as compensation (activities/payment-compensation.ts). Each provider call carries an
 * idempotency key derived from the order and the step, so a retried or duplicated attempt never charges
 * twice; each outcome is recorded in `payments` with its event and the step's answer
 * (activities/step-answers.ts) in one transaction, and a repeat returns that first answer: the
 * authorization answers `authorized` even once the payment is captured. Transient provider faults
 * (unreachable, 5xx, rate limits, a bad key) are thrown and retried by the saga; a decline is an outcome,
 * not a fault, and so is an intent the provider does not know (it holds no money: nothing to wait for).
 */
import type { Pool } from 'pg';
import type Stripe from 'stripe';
import { createAuthorizePayment } from './payment-authorization';
import { createCapturePayment } from './payment-capture';
import { createVoidPayment } from './payment-compensation';

export type { AuthorizePaymentRequest } from './payment-authorization';
export type { CompensatedPayment } from './payment-compensation';

export function createPaymentActivities(pool: Pool, stripe: Stripe) {
  return {
    authorizePayment: createAuthorizePayment(pool, stripe),
    capturePayment: createCapturePayment(pool, stripe),
    voidPayment: createVoidPayment(pool, stripe),
  };
}

export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
