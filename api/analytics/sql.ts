/** What every analytics query shares: the datasource, the time filter and its parameters. */
import { bucketPeriods } from '../../contracts/http-analytics';
import type { ResolvedRange } from '../../contracts/http-analytics';
import type { SqlValue } from '../../platform/druid';

/** The order-event datasource (stack/druid/supervisors/order-events.json). */
export const ORDER_EVENTS = 'order_events';

/** `__time` within the range: two parameters, see rangeParameters. */
export const IN_RANGE = '__time >= TIME_PARSE(?) AND __time < TIME_PARSE(?)';

export function rangeParameters(range: ResolvedRange): SqlValue[] {
  return [range.from.toISOString(), range.to.toISOString()];
}

/**
 * `TIME_FLOOR(column, 'PT1M')` for the range's bucket. The period is a literal: it comes from the
 * contract's fixed table of periods (validated input picks one), never from the request's text.
 */
export function timeFloor(range: ResolvedRange, column = '__time'): string {
  return `TIME_FLOOR(${column}, '${bucketPeriods[range.bucket]}')`;
}

/** The range as an answer states it. */
export function rangeOf(range: ResolvedRange) {
  return { from: range.from.toISOString(), to: range.to.toISOString(), bucket: range.bucket };
}

/** Druid answers numbers as numbers, but a SUM over nothing is null. */
export function count(value: number | null | undefined): number {
  return value ?? 0;
}
