/**
 * A run's orders as its operator sees them: each carries a customer id that names the run and the path it
 * was built for, so its events are told from other traffic's; a terminal event settles it, and an order
 * held for review gets one reaction, however often the event is delivered: approved, or cancelled when it
 * was built for the compensation path.
 */
import { terminalTypes } from './event-audit';
import type { OrderPath } from './mix';
import { orderPaths } from './mix';
import type { FeedEvent } from './order-event-feed';

/** Customer ids `<prefix>-<path>-<n>`, one per order, and the path read back from one. */
export interface CustomerIds {
  next: (path: OrderPath) => string;
  /** The path the order was built for; undefined for a customer id not of this run. */
  pathOf: (customerId: string | undefined) => OrderPath | undefined;
}

export function customerIds(prefix: string): CustomerIds {
  let counter = 0;
  const pattern = new RegExp(`^${prefix}-(${orderPaths.join('|')})-\\d+$`);
  return {
    next: (path) => `${prefix}-${path}-${counter++}`,
    pathOf: (customerId) => pattern.exec(customerId ?? '')?.[1] as OrderPath | undefined,
  };
}

/** The operator's call for an order held for review. */
export interface Reaction {
  route: string;
  body: Record<string, string>;
  /** How its success is counted: "200 approve" or "200 cancel". */
  succeeded: string;
}

/** `operator` names who decides (the review's reviewer) and `run` what for (in the reason and note). */
export function reactionTo(
  orderId: string,
  path: OrderPath,
  operator: { reviewer: string; run: string },
): Reaction {
  const cancel = path === 'cancel';
  return {
    route: `/v1/orders/${orderId}/${cancel ? 'cancel' : 'review'}`,
    body: cancel
      ? { reason: `${operator.run} compensation path` }
      : { decision: 'approve', reviewer: operator.reviewer, note: `approved by the ${operator.run}` },
    succeeded: `200 ${cancel ? 'cancel' : 'approve'}`,
  };
}

/**
 * What to do with each order event read: `settle` on a terminal event of the run's own orders, `react`
 * once to each of them held for review.
 */
export function orderEventHandler(
  pathOf: (customerId: string | undefined) => OrderPath | undefined,
  settle: (orderId: string, type: string, at: number) => void,
  react: (orderId: string, path: OrderPath) => void,
): (event: FeedEvent) => void {
  const reactedTo = new Set<string>();
  return (event) => {
    const path = pathOf(event.customerId);
    if (!path) return;
    if (terminalTypes.includes(event.type)) settle(event.subject, event.type, event.receivedAt);
    if (event.type === 'order.review_required' && !reactedTo.has(event.subject)) {
      reactedTo.add(event.subject);
      react(event.subject, path);
    }
  };
}
