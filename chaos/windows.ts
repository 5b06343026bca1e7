/**
 * Per fault, from the ledger alone: how long the API refused work, and how long until the backlog the
 * fault left behind had drained.
 */
import type { FaultRecord } from './faults';
import type { Attempt, OrderRecord } from './ledger';

export interface FaultWindow {
  fault: FaultRecord;
  /** Submissions answered between this kill and the next one that were refused, by cause. */
  refusals: Map<string, number>;
  /** First refused submission to the first accepted one after it; undefined when none was refused. */
  refusedS: number | undefined;
  /** The slowest answer to a submission in the window: an API that waits instead of refusing shows here. */
  slowestS: number;
  /** True when no submission was accepted again before the next fault (or the end). */
  neverAcceptedAgain: boolean;
  /** Orders in the backlog: offered before the process was back and not settled before the kill. */
  backlog: number;
  /**
   * The kill to the moment the last of them had its terminal event on Kafka; undefined while any of them
   * never settled.
   */
  drainedS: number | undefined;
  /**
   * The kill to the first terminal event of one of those orders: how long the product stood still (0 when
   * the other half of a pair kept orders settling all along).
   */
  resumedS: number | undefined;
  /** The kill to the moment the others had taken over (a relay leads, partitions have new leaders). */
  tookOverS: number | undefined;
}

export function faultWindow(
  fault: FaultRecord,
  until: number,
  attempts: readonly Attempt[],
  orders: readonly OrderRecord[],
): FaultWindow {
  const refusals = new Map<string, number>();
  let firstRefused: number | undefined;
  let acceptedAgain: number | undefined;
  let slowestMs = 0;
  for (const a of attempts) {
    if (a.at < fault.killedAt || a.at >= until) continue;
    slowestMs = Math.max(slowestMs, a.tookMs);
    if (!a.accepted) {
      refusals.set(a.cause, (refusals.get(a.cause) ?? 0) + 1);
      firstRefused ??= a.at;
    } else if (firstRefused !== undefined && acceptedAgain === undefined) acceptedAgain = a.at;
  }
  const settledAt = (o: OrderRecord) => o.publishedAt ?? o.settledAt;
  const caught = orders.filter((o) => {
    const at = settledAt(o);
    return o.firstSentAt <= fault.recoveredAt && !(at !== undefined && at < fault.killedAt);
  });
  const unsettled = caught.some((o) => settledAt(o) === undefined);
  const lastSettled = Math.max(fault.killedAt, ...caught.map((o) => settledAt(o) ?? 0));
  return {
    fault,
    refusals,
    refusedS:
      firstRefused === undefined
        ? undefined
        : ((acceptedAgain ?? Math.min(until, Date.now())) - firstRefused) / 1000,
    slowestS: slowestMs / 1000,
    neverAcceptedAgain: firstRefused !== undefined && acceptedAgain === undefined,
    backlog: caught.length,
    drainedS: unsettled ? undefined : (lastSettled - fault.killedAt) / 1000,
    resumedS: firstSettledAfter(caught, fault.killedAt),
    tookOverS: fault.tookOverAt === undefined ? undefined : (fault.tookOverAt - fault.killedAt) / 1000,
  };
}

function firstSettledAfter(orders: readonly OrderRecord[], killedAt: number): number | undefined {
  const after = orders
    .map((o) => o.publishedAt ?? o.settledAt)
    .filter((at): at is number => at !== undefined && at >= killedAt);
  return after.length === 0 ? undefined : (Math.min(...after) - killedAt) / 1000;
}

/** Each fault's window ends where the next fault begins. */
export function faultWindows(
  faults: readonly FaultRecord[],
  attempts: readonly Attempt[],
  orders: readonly OrderRecord[],
): FaultWindow[] {
  return faults.map((f, i) => faultWindow(f, faults[i + 1]?.killedAt ?? Infinity, attempts, orders));
}
