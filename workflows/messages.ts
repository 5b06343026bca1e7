/** The saga's message definitions, shared by the workflow and every client (API, command consumer, tests). */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { OrderState } from '../contracts/order-state';
import type { CancellationRequest, ReviewDecision } from '../contracts/order-messages';

/** The order's full state and timeline. */
export const statusQuery = defineQuery<OrderState>('status');

/** Cancels the order unless it is already being confirmed; resolves once compensation has run. */
export const cancelUpdate = defineUpdate<OrderState, [CancellationRequest]>('cancel');

/** Decides an order held for fraud review; resolves once the order is confirmed or rejected. */
export const decideReviewUpdate = defineUpdate<OrderState, [ReviewDecision]>('decideReview');

/**
 * Resolves with the order's state once the saga has left the reservation step (stock reserved, stock short,
 * or the order ended before reserving): lets a storefront tell the shopper at once whether the stock was
 * there (update-with-start). Read-only.
 */
export const waitForReservationUpdate = defineUpdate<OrderState>('waitForReservation');

/** Workflow id of an order: the order id users know, prefixed so other workflow kinds cannot clash. */
export function orderWorkflowId(orderId: string): string {
  return `order-${orderId}`;
}
