/** HTTP bodies of the order routes (`/v1/orders`): what clients send and what the API answers. */
import { z } from 'zod';
import { StockShortage } from './inventory';
import { CancellationRequest, ReviewDecision } from './order-messages';
import { OrderState } from './order-state';
import { OrderStatus } from './order-status';
import { CurrencyCode, CustomerId, MinorUnits, OrderId, PricedLine } from './order';

/** Client-chosen key that makes a submission safe to retry: the same key always maps to the same order. */
export const IdempotencyKey = z
  .string({ error: 'the Idempotency-Key header is required' })
  .min(8, 'Idempotency-Key must be 8-200 characters')
  .max(200, 'Idempotency-Key must be 8-200 characters')
  .regex(/^[\x21-\x7e]+$/, 'Idempotency-Key must be printable ASCII without spaces');

export const SubmitOrderHeaders = z.object({ 'idempotency-key': IdempotencyKey });

/** Headers of cancel and review: an optional key that makes a retried decision apply once. */
export const OrderUpdateHeaders = z.object({ 'idempotency-key': IdempotencyKey.optional() });

export const SubmitOrderQuery = z.object({
  /** `reservation`: answer once the stock is reserved or found short (update-with-start). */
  wait: z.enum(['reservation']).optional(),
});

export const OrderIdParams = z.object({ orderId: OrderId });

export const OrderLinks = z.object({
  self: z.string(),
  cancel: z.string(),
  review: z.string(),
});

export const ReservationOutcome = z.object({
  /** pending: not known within the API's wait; not_reserved: the order ended before reserving. */
  outcome: z.enum(['reserved', 'insufficient_stock', 'not_reserved', 'pending']),
  shortages: z.array(StockShortage).optional(),
});
export type ReservationOutcome = z.infer<typeof ReservationOutcome>;

/** Answer to a submission (202 the first time, 200 for a replay of the same key and body). */
export const OrderAccepted = z.object({
  orderId: OrderId,
  /** The saga's status when the API answered. */
  status: OrderStatus,
  customerId: CustomerId,
  currency: CurrencyCode,
  totalMinor: MinorUnits,
  lines: z.array(PricedLine),
  placedAt: z.iso.datetime(),
  /** Present with `?wait=reservation`. */
  reservation: ReservationOutcome.optional(),
  links: OrderLinks,
});
export type OrderAccepted = z.infer<typeof OrderAccepted>;

/** The saga's full state (the `status` query) with links. */
export const OrderDetails = OrderState.extend({ links: OrderLinks });
export type OrderDetails = z.infer<typeof OrderDetails>;

export const OrderListQuery = z.object({
  // Quotes and backslashes cannot be put safely into a visibility query, so they are refused here.
  customerId: CustomerId.regex(/^[^"'\\]+$/, 'customer id must not contain quotes or backslashes').optional(),
  status: OrderStatus.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z
    .string()
    .max(4096)
    .regex(/^[A-Za-z0-9_-]+$/, 'pageToken must be a token returned by a previous page')
    .optional(),
});
export type OrderListQuery = z.infer<typeof OrderListQuery>;

export const OrderSummaryItem = z.object({
  orderId: z.string(),
  status: OrderStatus.optional(),
  customerId: z.string().optional(),
  totalMinor: MinorUnits.optional(),
  startedAt: z.iso.datetime(),
  closedAt: z.iso.datetime().optional(),
  links: z.object({ self: z.string() }),
});

export const OrderList = z.object({
  orders: z.array(OrderSummaryItem),
  /** Opaque: pass as `pageToken` for the next page; absent on the last page. */
  nextPageToken: z.string().optional(),
});
export type OrderList = z.infer<typeof OrderList>;

/** Cancellation through the API: the requester defaults to the API key's name. */
export const CancelOrderBody = z.object({
  reason: CancellationRequest.shape.reason,
  requestedBy: CancellationRequest.shape.requestedBy.optional(),
});
export type CancelOrderBody = z.infer<typeof CancelOrderBody>;

export const ReviewOrderBody = ReviewDecision;
export type ReviewOrderBody = z.infer<typeof ReviewOrderBody>;
