/** The capture step: takes the authorized amount at the order's confirmation. */
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type Stripe from 'stripe';
import { stampedOrderEvent } from '../contracts/events';
import type { EventStamp } from '../contracts/events';
import type { Payment } from '../contracts/payment';
import { PaymentFailureType } from '../contracts/payment-failures';
import { idempotencyKey, isProviderRefusal, stripeError } from './payment-records';
import { paymentRefused, retrieveIntent } from './payment-provider';
import { onPayment, recordStatus } from './payment-rows';

export function createCapturePayment(pool: Pool, stripe: Stripe) {
  /**
   * Captures the authorized payment (payment.captured). A repeat answers the capture, or the same refusal
   * (an authorization the provider does not hold: expired, voided, or an intent it does not know).
   */
  function capturePayment(orderId: string, stamp: EventStamp): Promise<Payment> {
    return onPayment(pool, orderId, 'capture', async (client, payment) => {
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
        if (!failure || !isProviderRefusal(failure)) throw err;
        // Captured by an attempt whose answer was lost: the provider says so, and that is success.
        const intent = await retrieveIntent(stripe, intentId);
        if (!intent) {
          throw paymentRefused(orderId, 'capture', {
            message: `the payment provider has no intent ${intentId}`,
          });
        }
        if (intent.status !== 'succeeded') throw paymentRefused(orderId, 'capture', failure);
      }
      const { amountMinor, currency } = payment;
      return recordStatus(
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

  return capturePayment;
}
