/** The order's lifecycle as the saga walks it; also the values of the OrderStatus search attribute. */
import { z } from 'zod';

export const OrderStatus = z.enum([
  'received',
  'reserving',
  'assessing_fraud',
  'awaiting_review',
  'confirming',
  'confirmed',
  'compensating',
  'rejected',
  'cancelled',
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

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
