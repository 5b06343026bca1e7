/** The compensation step: releases an authorization (void) or pays a capture back (refund). */
import type { Pool } from 'pg';
import type Stripe from 'stripe';
import { stampedOrderEvent } from '../contracts/events';
import type { EventStamp } from '../contracts/events';
import type { Payment } from '../contracts/payment';
import { idempotencyKey, isProviderRefusal, stripeError } from './payment-records';
import { paymentRefused, retrieveIntent } from './payment-provider';
import { onPayment, recordStatus } from './payment-rows';

export interface CompensatedPayment {
  payment?: Payment;
  /** True when the payment was voided or refunded (its event written with the given stamp). */
  undone: boolean;
}

export function createVoidPayment(pool: Pool, stripe: Stripe) {
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
      if (!failure || !isProviderRefusal(failure)) throw err;
      const intent = await retrieveIntent(stripe, intentId);
      if (intent && intent.status !== 'canceled') throw paymentRefused(orderId, 'void', failure);
    }
  }

  /**
   * Compensation: voids an authorization (payment.voided) or refunds a capture (payment.refunded). An
   * order without a payment, or with a declined one, has nothing to undo.
   */
  function voidPayment(orderId: string, stamp: EventStamp): Promise<CompensatedPayment> {
    return onPayment(pool, orderId, 'void', async (client, payment) => {
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
        const refunded = await recordStatus(
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
      const voided = await recordStatus(
        client,
        orderId,
        'voided',
        stampedOrderEvent(stamp, 'payment.voided', base),
      );
      return { payment: voided, undone: true };
    });
  }

  return voidPayment;
}
