/**
 * HTTP bodies of the analytics routes (`/v1/analytics/...`): figures of the order event stream, read from
 * Apache Druid. Every route takes the same time range and bucket, validated here: a range must end after
 * it starts, span at most 31 days and at most 1,440 buckets (a chart's worth), and defaults to the last hour
 * by minute.
 */
import { z } from 'zod';

/** Bucket widths a chart can use, by name, with their ISO 8601 period (what Druid's TIME_FLOOR takes). */
export const bucketPeriods = {
  '1m': 'PT1M',
  '5m': 'PT5M',
  '15m': 'PT15M',
  '1h': 'PT1H',
  '1d': 'P1D',
} as const;
export const Bucket = z.enum(Object.keys(bucketPeriods) as [keyof typeof bucketPeriods]);
export type Bucket = z.infer<typeof Bucket>;
export const bucketMs: Record<Bucket, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

export const MAX_RANGE_MS = 31 * 86_400_000;
export const MAX_BUCKETS = 1_440;
const DEFAULT_RANGE_MS = 3_600_000;

const Instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time, e.g. 2026-11-26T08:00:00Z',
});

/** `from`, `to` and `bucket` as a client may send them (all optional). */
const RangeFields = z.object({
  from: Instant.optional().describe('Start of the range (inclusive). Default: one hour before `to`.'),
  to: Instant.optional().describe('End of the range (exclusive). Default: now.'),
  bucket: Bucket.default('1m').describe('Width of each bucket of a per-bucket series.'),
});

/** A range with its defaults filled in: both ends as dates. */
export interface ResolvedRange {
  from: Date;
  to: Date;
  bucket: Bucket;
}

export function resolveRange(fields: z.output<typeof RangeFields>, now = new Date()): ResolvedRange {
  const to = fields.to ? new Date(fields.to) : now;
  const from = fields.from ? new Date(fields.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
  return { from, to, bucket: fields.bucket };
}

/** The checks of a range against itself and its bucket (on the defaults too: `from` alone may be after now). */
function checkRange(fields: z.output<typeof RangeFields>, ctx: z.RefinementCtx): void {
  const { from, to, bucket } = resolveRange(fields);
  const span = to.getTime() - from.getTime();
  if (span <= 0) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: '`from` must be before `to`' });
  } else if (span > MAX_RANGE_MS) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'a range spans at most 31 days' });
  } else if (span / bucketMs[bucket] > MAX_BUCKETS) {
    ctx.addIssue({
      code: 'custom',
      path: ['bucket'],
      message: `a range holds at most ${MAX_BUCKETS} buckets: choose a wider bucket or a shorter range`,
    });
  }
}

// Refined, not transformed: the route table's query schemas stay objects (the OpenAPI document lists
// their fields), and each handler resolves the defaults with resolveRange.
export const AnalyticsQuery = RangeFields.superRefine(checkRange);
export type AnalyticsQuery = z.output<typeof AnalyticsQuery>;

export const TopSkusQuery = RangeFields.extend({
  limit: z.coerce.number().int().min(1).max(100).default(10).describe('How many SKUs (1-100).'),
}).superRefine(checkRange);
export type TopSkusQuery = z.output<typeof TopSkusQuery>;

/** The range a figure covers, as resolved (defaults filled in). */
export const AnalyticsRange = z.object({ from: z.iso.datetime(), to: z.iso.datetime(), bucket: Bucket });
export type AnalyticsRange = z.infer<typeof AnalyticsRange>;

// Answers hold what the event stream holds: plain strings, not the stricter input schemas of SKUs and codes.
const Count = z.number().int().nonnegative();
const Minor = z.number().int();
const BucketStart = z.iso.datetime().describe('Start of the bucket.');

const OrderCounts = z.object({
  created: Count,
  reserved: Count,
  confirmed: Count,
  rejected: Count,
  cancelled: Count,
});

/** Orders per bucket by the step they reached: the funnel created → reserved → confirmed, and the exits. */
export const OrderFlow = z.object({
  range: AnalyticsRange,
  totals: OrderCounts,
  buckets: z.array(OrderCounts.extend({ start: BucketStart })),
  rejectedByReason: z.array(z.object({ code: z.string(), orders: Count })),
});
export type OrderFlow = z.infer<typeof OrderFlow>;

const CurrencyRevenue = z.object({ currency: z.string(), revenueMinor: Minor, orders: Count });

/** Revenue of confirmed orders (their totals, in minor units) per bucket and currency. */
export const Revenue = z.object({
  range: AnalyticsRange,
  totals: z.array(CurrencyRevenue),
  buckets: z.array(CurrencyRevenue.extend({ start: BucketStart })),
});
export type Revenue = z.infer<typeof Revenue>;

/** The SKUs with the most units in confirmed orders. */
export const TopSkus = z.object({
  range: AnalyticsRange,
  skus: z.array(z.object({ sku: z.string(), units: Count, orders: Count })),
});
export type TopSkus = z.infer<typeof TopSkus>;

const DecisionCounts = z.object({ approve: Count, review: Count, reject: Count });

/** Fraud assessments by decision, and how the reviews they asked for ended. */
export const FraudDecisions = z.object({
  range: AnalyticsRange,
  totals: DecisionCounts,
  buckets: z.array(DecisionCounts.extend({ start: BucketStart })),
  reviews: z.object({ approved: Count, rejected: Count, timedOut: Count }),
});
export type FraudDecisions = z.infer<typeof FraudDecisions>;

/** Orders held for review in the range whose review is still open, oldest first. */
export const ReviewQueue = z.object({
  range: AnalyticsRange,
  length: Count,
  oldestWaitingSeconds: z.number().nonnegative().nullable(),
  orders: z.array(
    z.object({
      orderId: z.string(),
      waitingSince: z.iso.datetime(),
      score: z.number().int(),
      totalMinor: Minor,
      currency: z.string(),
    }),
  ),
});
export type ReviewQueue = z.infer<typeof ReviewQueue>;

/** Units per SKU: reserved, released again (compensations) and committed (the order was confirmed). */
export const InventoryFlow = z.object({
  range: AnalyticsRange,
  skus: z.array(z.object({ sku: z.string(), reserved: Count, released: Count, committed: Count })),
});
export type InventoryFlow = z.infer<typeof InventoryFlow>;

const NotificationCounts = z.object({ sent: Count, failed: Count });

/** Customer notifications per bucket, and the failures by kind of message. */
export const Notifications = z.object({
  range: AnalyticsRange,
  totals: NotificationCounts,
  buckets: z.array(NotificationCounts.extend({ start: BucketStart })),
  failuresByKind: z.array(z.object({ kind: z.string(), failed: Count })),
});
export type Notifications = z.infer<typeof Notifications>;
