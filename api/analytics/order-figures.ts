/**
 * Figures of the order flow read from Druid: orders by outcome, revenue, fraud decisions, the review
 * queue and notifications. Each counts an order (or an event) once however often Kafka delivered it:
 * events carry stable ids, and delivery is at least once.
 */
import type {
  FraudDecisions,
  Notifications,
  OrderFlow,
  ResolvedRange,
  Revenue,
  ReviewQueue,
} from '../../contracts/http-analytics';
import type { DruidSql } from '../../platform/druid';
import { bucketStarts, denseSeries, totalsOf } from './series';
import type { BucketRow } from './series';
import { IN_RANGE, ORDER_EVENTS, count, rangeOf, rangeParameters, timeFloor } from './sql';

const outcomeTypes = {
  'order.created': 'created',
  'inventory.reserved': 'reserved',
  'order.confirmed': 'confirmed',
  'order.rejected': 'rejected',
  'order.cancelled': 'cancelled',
} as const;
const outcomes = Object.values(outcomeTypes);

export async function orderFlow(druid: DruidSql, range: ResolvedRange): Promise<OrderFlow> {
  const types = Object.keys(outcomeTypes);
  const [rows, reasons] = await Promise.all([
    druid.query<BucketRow>(
      `SELECT ${timeFloor(range)} AS "start", "type" AS "key", COUNT(DISTINCT orderId) AS "value"
         FROM ${ORDER_EVENTS} WHERE ${IN_RANGE} AND "type" IN (${types.map(() => '?').join(', ')})
        GROUP BY 1, 2`,
      [...rangeParameters(range), ...types],
    ),
    druid.query<{ code: string | null; orders: number }>(
      `SELECT code, COUNT(DISTINCT orderId) AS orders FROM ${ORDER_EVENTS}
        WHERE ${IN_RANGE} AND "type" = 'order.rejected' GROUP BY 1 ORDER BY 2 DESC`,
      rangeParameters(range),
    ),
  ]);
  const named = rows.map((row) => ({
    ...row,
    key: outcomeTypes[row.key as keyof typeof outcomeTypes] ?? null,
  }));
  const buckets = denseSeries(range, named, outcomes);
  return {
    range: rangeOf(range),
    totals: totalsOf(buckets, outcomes),
    buckets,
    rejectedByReason: reasons.map((row) => ({ code: row.code ?? 'unknown', orders: row.orders })),
  };
}

export async function revenue(druid: DruidSql, range: ResolvedRange): Promise<Revenue> {
  // One row per confirmed order first (a redelivered event must not count its total twice).
  const rows = await druid.query<{ start: string; currency: string; revenueMinor: number; orders: number }>(
    `SELECT ${timeFloor(range, 't')} AS "start", currency, SUM(total) AS "revenueMinor", COUNT(*) AS orders
       FROM (SELECT orderId, currency, MIN(__time) AS t, MAX(totalMinor) AS total FROM ${ORDER_EVENTS}
              WHERE ${IN_RANGE} AND "type" = 'order.confirmed' GROUP BY 1, 2)
      GROUP BY 1, 2`,
    rangeParameters(range),
  );
  const currencies = [...new Set(rows.map((row) => row.currency))].sort();
  const byBucket = new Map(rows.map((row) => [`${new Date(row.start).toISOString()} ${row.currency}`, row]));
  const buckets = bucketStarts(range).flatMap((start) =>
    currencies.map((currency) => {
      const row = byBucket.get(`${start} ${currency}`);
      return { start, currency, revenueMinor: count(row?.revenueMinor), orders: count(row?.orders) };
    }),
  );
  const totals = currencies.map((currency) => {
    const of = rows.filter((row) => row.currency === currency);
    return {
      currency,
      revenueMinor: of.reduce((sum, row) => sum + count(row.revenueMinor), 0),
      orders: of.reduce((sum, row) => sum + count(row.orders), 0),
    };
  });
  return { range: rangeOf(range), totals, buckets };
}

const decisions = ['approve', 'review', 'reject'] as const;

export async function fraudDecisions(druid: DruidSql, range: ResolvedRange): Promise<FraudDecisions> {
  const [rows, reviews] = await Promise.all([
    druid.query<BucketRow>(
      `SELECT ${timeFloor(range)} AS "start", decision AS "key", COUNT(DISTINCT orderId) AS "value"
         FROM ${ORDER_EVENTS} WHERE ${IN_RANGE} AND "type" = 'fraud.assessed' GROUP BY 1, 2`,
      rangeParameters(range),
    ),
    druid.query<{ decision: string | null; timedOut: string | null; orders: number }>(
      `SELECT decision, timedOut AS "timedOut", COUNT(DISTINCT orderId) AS orders FROM ${ORDER_EVENTS}
        WHERE ${IN_RANGE} AND "type" = 'order.review_decided' GROUP BY 1, 2`,
      rangeParameters(range),
    ),
  ]);
  const buckets = denseSeries(range, rows, decisions);
  // A review that ran out of time is decided too (rejected, by the saga): it counts as timed out only.
  const ended = (decision: string, timedOut: boolean) =>
    reviews
      .filter((row) => (row.timedOut === 'true') === timedOut && (timedOut || row.decision === decision))
      .reduce((sum, row) => sum + row.orders, 0);
  return {
    range: rangeOf(range),
    totals: totalsOf(buckets, decisions),
    buckets,
    reviews: {
      approved: ended('approve', false),
      rejected: ended('reject', false),
      timedOut: ended('', true),
    },
  };
}

/** How many orders the review queue lists at most (the length counts them all). */
const QUEUE_LISTED = 50;

export async function reviewQueue(
  druid: DruidSql,
  range: ResolvedRange,
  now = new Date(),
): Promise<ReviewQueue> {
  // Held in the range, and no decision or end of the order before the range's end.
  const rows = await druid.query<{
    orderId: string;
    since: string;
    score: number | null;
    totalMinor: number | null;
    currency: string | null;
  }>(
    `SELECT orderId AS "orderId", MIN(__time) AS since, MAX(score) AS score, MAX(totalMinor) AS "totalMinor",
            ANY_VALUE(currency) AS currency
       FROM ${ORDER_EVENTS}
      WHERE ${IN_RANGE} AND "type" = 'order.review_required'
        AND orderId NOT IN (SELECT orderId FROM ${ORDER_EVENTS} WHERE ${IN_RANGE} AND "type" IN
              ('order.review_decided', 'order.confirmed', 'order.rejected', 'order.cancelled'))
      GROUP BY 1 ORDER BY 2 LIMIT 10000`,
    [...rangeParameters(range), ...rangeParameters(range)],
  );
  const asOf = Math.min(now.getTime(), range.to.getTime());
  const oldest = rows[0];
  return {
    range: rangeOf(range),
    length: rows.length,
    oldestWaitingSeconds: oldest ? Math.max(0, (asOf - new Date(oldest.since).getTime()) / 1000) : null,
    orders: rows.slice(0, QUEUE_LISTED).map((row) => ({
      orderId: row.orderId,
      waitingSince: new Date(row.since).toISOString(),
      score: count(row.score),
      totalMinor: count(row.totalMinor),
      currency: row.currency ?? '',
    })),
  };
}

const deliveries = { 'notification.sent': 'sent', 'notification.failed': 'failed' } as const;
const deliveryKeys = Object.values(deliveries);

export async function notifications(druid: DruidSql, range: ResolvedRange): Promise<Notifications> {
  const [rows, failures] = await Promise.all([
    druid.query<BucketRow>(
      `SELECT ${timeFloor(range)} AS "start", "type" AS "key", COUNT(DISTINCT "id") AS "value"
         FROM ${ORDER_EVENTS} WHERE ${IN_RANGE} AND "type" IN ('notification.sent', 'notification.failed')
        GROUP BY 1, 2`,
      rangeParameters(range),
    ),
    druid.query<{ kind: string | null; failed: number }>(
      `SELECT kind, COUNT(DISTINCT "id") AS failed FROM ${ORDER_EVENTS}
        WHERE ${IN_RANGE} AND "type" = 'notification.failed' GROUP BY 1 ORDER BY 2 DESC`,
      rangeParameters(range),
    ),
  ]);
  const named = rows.map((row) => ({ ...row, key: deliveries[row.key as keyof typeof deliveries] ?? null }));
  const buckets = denseSeries(range, named, deliveryKeys);
  return {
    range: rangeOf(range),
    totals: totalsOf(buckets, deliveryKeys),
    buckets,
    failuresByKind: failures.map((row) => ({ kind: row.kind ?? 'unknown', failed: row.failed })),
  };
}
