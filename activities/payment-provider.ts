/** What the payment steps share of their provider calls: reading an intent back, and raising its refusal. */
import { ApplicationFailure } from '@temporalio/common';
import type Stripe from 'stripe';
import { PaymentFailureType } from '../contracts/payment-failures';
import { isMissingIntent, stripeError } from './payment-records';
import type { StripeErrorLike } from './payment-records';

/** The intent as the provider has it, or undefined when the provider answers that it has none. */
export async function retrieveIntent(
  stripe: Stripe,
  intentId: string,
): Promise<Stripe.PaymentIntent | undefined> {
  try {
    return await stripe.paymentIntents.retrieve(intentId);
  } catch (err) {
    const failure = stripeError(err);
    if (failure && isMissingIntent(failure)) return undefined;
    throw err;
  }
}

/** The step's refusal by the provider: recorded as the step's answer and never retried. */
export function paymentRefused(orderId: string, step: string, err: StripeErrorLike): ApplicationFailure {
  return ApplicationFailure.create({
    type: PaymentFailureType.paymentRefused,
    message: `the payment provider refused to ${step} the payment of order ${orderId}: ${err.message || err.code || err.type}`,
    nonRetryable: true,
  });
}
