/**
 * The order's lifecycle as plain values. Kept free of zod because workflow code imports it, and the
 * workflow sandbox evaluates a workflow's modules afresh for every workflow it starts (see workflows/).
 */
export const orderStatuses = [
  'received',
  'reserving',
  'assessing_fraud',
  'awaiting_review',
  'confirming',
  'confirmed',
  'compensating',
  'rejected',
  'cancelled',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Statuses after which the outcome cannot change (notification may still be in flight). */
export const settledStatuses: readonly OrderStatus[] = ['confirmed', 'rejected', 'cancelled'];

/** Once the reservation is being committed the order can no longer be cancelled. */
export const cancellableStatuses: readonly OrderStatus[] = [
  'received',
  'reserving',
  'assessing_fraud',
  'awaiting_review',
];

export function isSettled(status: OrderStatus): boolean {
  return settledStatuses.includes(status);
}

/**
 * The saga's steps that undo an earlier one, registered as compensations (workflows/saga-steps.ts checks
 * that each is a step); the order timeline marks their activities as compensations.
 */
export const compensatingSteps = ['releaseInventory', 'voidPayment'] as const;

/**
 * The names the saga gives its compensations, as the status query and the order view both show them
 * (`compensations[].step`); the view rebuilt from the event log (api/orders/order-log-view.ts) names them
 * the same way.
 */
export const compensationNames = {
  releaseInventory: 'release inventory',
  voidPayment: 'void payment',
} as const satisfies Record<(typeof compensatingSteps)[number], string>;
