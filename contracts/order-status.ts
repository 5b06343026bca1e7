/** The order's lifecycle as the saga walks it; also the values of the OrderStatus search attribute. */
import { z } from 'zod';
import { orderStatuses } from './order-lifecycle';

export const OrderStatus = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof OrderStatus>;

export { isSettled } from './order-lifecycle';
