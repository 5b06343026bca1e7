/**
 * What happened to every order the chaos run offered: each submission attempt (a refused one is retried
 * with the same Idempotency-Key, as a storefront would), its acceptance, and its settlement as read from
 * Kafka. The fault windows and the final checks are computed from this record alone.
 */
import type { OrderPath } from '../harness/mix';
import { Settlements } from '../harness/tracker';

export interface OrderRecord {
  idempotencyKey: string;
  path: OrderPath;
  customerId: string;
  firstSentAt: number;
  attempts: number;
  orderId?: string;
  acceptedAt?: number;
  /** Arrival of its first terminal event at the run's Kafka consumer. */
  settledAt?: number;
  /**
   * When the relay had that event acknowledged by Kafka (the outbox's published_at), read after the run:
   * the fault windows use it, so they do not include the run's own consumer rejoining its group.
   */
  publishedAt?: number;
  /** That event's type. */
  outcome?: string;
  /** Why the run stopped trying to submit it. */
  gaveUp?: string;
}

/** One answer (or failure) of POST /v1/orders, retries included. */
export interface Attempt {
  at: number;
  /** How long the API took to answer (or fail). */
  tookMs: number;
  accepted: boolean;
  /** "202", "503 service_unavailable", "TimeoutError" … */
  cause: string;
}

export class OrderLedger {
  readonly attempts: Attempt[] = [];
  private readonly records: OrderRecord[] = [];
  /** Accepted orders by order id; a settlement read before its acceptance waits there for it. */
  private readonly byOrderId = new Settlements<OrderRecord>();

  offer(idempotencyKey: string, path: OrderPath, customerId: string, at: number): OrderRecord {
    const record: OrderRecord = { idempotencyKey, path, customerId, firstSentAt: at, attempts: 0 };
    this.records.push(record);
    return record;
  }

  attempt(record: OrderRecord, attempt: Attempt): void {
    record.attempts++;
    this.attempts.push(attempt);
  }

  accept(record: OrderRecord, orderId: string, at: number): void {
    record.orderId = orderId;
    record.acceptedAt = at;
    this.byOrderId.accept(orderId, record);
  }

  /** The first terminal event counts; redeliveries are the audit's business. */
  settle(orderId: string, outcome: string, at: number): void {
    this.byOrderId.settle(orderId, outcome, at);
  }

  giveUp(record: OrderRecord, why: string): void {
    record.gaveUp = why;
  }

  all(): readonly OrderRecord[] {
    return this.records;
  }

  accepted(): OrderRecord[] {
    return this.records.filter((r) => r.orderId !== undefined);
  }

  /** Orders first offered before `t` that have neither settled nor been given up: the backlog of then. */
  openOfferedBefore(t: number): number {
    return this.records.filter((r) => r.firstSentAt <= t && r.settledAt === undefined && !r.gaveUp).length;
  }

  counts(): { offered: number; accepted: number; settled: number; submitting: number; gaveUp: number } {
    let accepted = 0;
    let settled = 0;
    let gaveUp = 0;
    for (const r of this.records) {
      if (r.orderId !== undefined) accepted++;
      if (r.settledAt !== undefined) settled++;
      if (r.gaveUp) gaveUp++;
    }
    const offered = this.records.length;
    // Submitting: awaiting an answer or a retry, not accepted yet.
    return { offered, accepted, settled, submitting: offered - accepted - gaveUp, gaveUp };
  }
}
