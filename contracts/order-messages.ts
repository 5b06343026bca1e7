/** Messages an operator, n8n or the API sends to a running saga, and the saga's input and result. */
import { z } from 'zod';
import { PricedOrder } from './order';
import { messageLimits } from './order-message-limits';
import { linePattern, prosePattern, textRules } from './plain-text';
import { OrderStatus } from './order-status';

const Actor = z.string().min(1).max(messageLimits.actor).regex(linePattern.required, textRules.lineRequired);

export const ReviewDecision = z.object({
  decision: z.enum(['approve', 'reject']),
  reviewer: Actor,
  note: z.string().max(messageLimits.note).regex(prosePattern.optional, textRules.prose).optional(),
});
export type ReviewDecision = z.infer<typeof ReviewDecision>;

export const CancellationRequest = z.object({
  reason: z.string().min(1).max(messageLimits.reason).regex(prosePattern.required, textRules.proseRequired),
  requestedBy: Actor,
});
export type CancellationRequest = z.infer<typeof CancellationRequest>;

export const OrderSagaOptions = z.object({
  /** How long an order waits for a fraud review decision before it is rejected. */
  reviewTimeoutMs: z.number().int().positive().optional(),
  /** Attempts to deliver the customer notification before giving up (the order stays confirmed). */
  notificationMaxAttempts: z.number().int().min(1).max(100).optional(),
  /** Task queue of the bridge worker; only sagas started before the outbox publish through it. */
  eventsTaskQueue: z.string().min(1).optional(),
  /**
   * How the database steps run: `local` activities (the default, measured faster) or `remote` (regular)
   * activities, kept so the benchmark can compare the two on the same server.
   */
  stepActivities: z.enum(['local', 'remote']).optional(),
});
export type OrderSagaOptions = z.infer<typeof OrderSagaOptions>;

export const OrderSagaInput = z.object({
  order: PricedOrder,
  options: OrderSagaOptions.optional(),
});
export type OrderSagaInput = z.infer<typeof OrderSagaInput>;

export const OrderSagaResult = z.object({
  orderId: z.string(),
  status: OrderStatus,
  reason: z.string().optional(),
  notification: z.enum(['sent', 'failed']).optional(),
});
export type OrderSagaResult = z.infer<typeof OrderSagaResult>;
