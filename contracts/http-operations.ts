/** Operator views of the running system (`/v1/operations/...`): orders that stopped moving. */
import { z } from 'zod';
import { OrderStatus } from './order-status';

export const StalledOrder = z.object({
  orderId: z.string(),
  /** The last status the saga published (search attribute OrderStatus): `received` until it is held or settles. */
  status: OrderStatus.optional(),
  startedAt: z.iso.datetime(),
  /** Orders that were held: when the review was decided, from which the bound counts. */
  reviewDecidedAt: z.iso.datetime().optional(),
  /** From when the order has not moved: its start, or its review decision. */
  stalledSince: z.iso.datetime(),
  /** Seconds since the order started. */
  ageSeconds: z.number().nonnegative(),
  links: z.object({
    order: z.string(),
    timeline: z.string(),
    /** The saga in the Temporal UI, when TEMPORAL_UI_URL is set. */
    temporalUi: z.string().optional(),
  }),
});
export type StalledOrder = z.infer<typeof StalledOrder>;

export const StalledOrders = z.object({
  /** The bound (ORDER_STALLED_AFTER_MINUTES) in seconds. */
  stalledAfterSeconds: z.number().positive(),
  checkedAt: z.iso.datetime(),
  /** Every stalled order, also beyond the ones listed. */
  total: z.number().int().nonnegative(),
  /** The longest stalled first; at most 1,000 (of the newest, as Temporal lists them). */
  orders: z.array(StalledOrder),
});
export type StalledOrders = z.infer<typeof StalledOrders>;

/** `/healthz`: the process is up. */
export const Health = z.object({ status: z.literal('ok') });

/** `/readyz`: every dependency answered. */
export const Readiness = z.object({
  ready: z.boolean(),
  dependencies: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
});
