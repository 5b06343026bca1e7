/**
 * The money check of a chaos run: at the payment provider, each confirmed order was captured exactly once
 * for its total, and no other order captured or still holds anything — however often a payment step ran
 * again after a killed worker or a lost answer.
 */
import type Stripe from 'stripe';

export interface SettledOrder {
  orderId: string;
  status: string;
  totalMinor: number;
}

export interface PaymentFindings {
  captured: number;
  /** Orders whose money is wrong, with what was found. */
  wrong: string[];
}

export async function checkPayments(
  stripe: Stripe,
  orders: readonly SettledOrder[],
): Promise<PaymentFindings> {
  const byOrder = new Map<string, Stripe.PaymentIntent[]>(orders.map((o) => [o.orderId, []]));
  // The provider of the local stack cannot filter by metadata: every intent is read once.
  for await (const intent of stripe.paymentIntents.list({ limit: 100 })) {
    byOrder.get(intent.metadata.orderId ?? '')?.push(intent);
  }
  const wrong: string[] = [];
  let captured = 0;
  for (const order of orders) {
    const intents = byOrder.get(order.orderId) ?? [];
    const succeeded = intents.filter((i) => i.status === 'succeeded');
    const held = intents.filter((i) => i.status === 'requires_capture');
    captured += succeeded.length;
    const expected = order.status === 'confirmed' ? 1 : 0;
    const amountOk = succeeded.every((i) => i.amount === order.totalMinor);
    if (succeeded.length !== expected || held.length > 0 || !amountOk) {
      wrong.push(
        `${order.orderId} (${order.status}): ${succeeded.length} captured ${succeeded.map((i) => i.amount).join('+') || ''}, ${held.length} held`,
      );
    }
  }
  return { captured, wrong };
}
