/** How an order's saga ended, and what the customer is told about it. */
import type { RejectionCode } from '../contracts/events';

export type Outcome =
  | { status: 'confirmed' }
  | { status: 'rejected'; code: RejectionCode; reason: string }
  | { status: 'cancelled'; reason: string; requestedBy: string };

/**
 * The reason the customer's mail gives: a cancellation's own, a shortage or a declined card as they are;
 * any other rejection (fraud, review) stays vague on purpose, so the mail teaches nothing to a fraudster.
 */
export function customerReason(outcome: Outcome): string | undefined {
  if (outcome.status === 'cancelled') return outcome.reason;
  if (outcome.status !== 'rejected') return undefined;
  return outcome.code === 'insufficient_stock' || outcome.code === 'payment_declined'
    ? outcome.reason
    : 'we could not verify the order';
}
