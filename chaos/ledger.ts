/**
 * What happened to every order the chaos run offered: each submission attempt (a refused one is retried
 * with the same Idempotency-Key, as a storefront would), its acceptance, and its settlement as read from
 * Kafka. The fault windows and the final checks are computed from this record alone.
 */
import type { OrderPath } from '../bench/mix';

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
  private readonly byOrderId = new Map<string, OrderRecord>();
  /** Settlements read before the acceptance they belong to arrived (the event outran the HTTP answer). */
  private readonly early = new Map<string, { outcome: string; at: number }>();

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
    this.byOrderId.set(orderId, record);
    const early = this.early.get(orderId);
    if (early) {
      this.early.delete(orderId);
      this.settle(orderId, early.outcome, early.at);
    }
  }

  /** The first terminal event counts; redeliveries are the audit's business. */
  settle(orderId: string, outcome: string, at: number): void {
    const record = this.byOrderId.get(orderId);
    if (!record) {
      if (!this.early.has(orderId)) this.early.set(orderId, { outcome, at });
      return;
    }
    if (record.outcome !== undefined) return;
    record.outcome = outcome;
    record.settledAt = at;
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
