/** What the saga's `status` query returns: the order's full state and a timeline of its transitions. */
import { z } from 'zod';
import { FraudAssessment } from './fraud';
import { Reservation, StockShortage } from './inventory';
import { PricedOrder } from './order';
import { CancellationRequest, ReviewDecision } from './order-messages';
import { OrderStatus } from './order-status';
import { Payment } from './payment';

export const TimelineEntry = z.object({
  status: OrderStatus,
  at: z.iso.datetime(),
  note: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const OrderState = z.object({
  orderId: z.string(),
  status: OrderStatus,
  /** Why the order ended rejected or cancelled. */
  reason: z.string().optional(),
  order: PricedOrder,
  reservation: Reservation.optional(),
  shortages: z.array(StockShortage).optional(),
  fraud: FraudAssessment.optional(),
  /** Absent for an order submitted without a payment method, or before the authorization. */
  payment: Payment.optional(),
  review: ReviewDecision.extend({ decidedAt: z.iso.datetime() }).optional(),
  cancellation: CancellationRequest.extend({ requestedAt: z.iso.datetime() }).optional(),
  compensations: z.array(
    z.object({ step: z.string(), outcome: z.enum(['done', 'failed']), detail: z.string().optional() }),
  ),
  notification: z
    .object({ kind: z.string(), outcome: z.enum(['sent', 'failed']), detail: z.string().optional() })
    .optional(),
  /** Number of domain events published so far (the last event's sequence). */
  eventsPublished: z.number().int().nonnegative(),
  timeline: z.array(TimelineEntry),
});
export type OrderState = z.infer<typeof OrderState>;
