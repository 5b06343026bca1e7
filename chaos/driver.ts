/**
 * Drives orders through the HTTP API like a storefront that means it: a submission the API refuses
 * (5xx, 429, no answer) is retried with the same Idempotency-Key until it is accepted, so a fault costs
 * time, never an order. Reacts to order events as an operator would, with the same persistence: approves
 * orders held for review, cancels those built for the compensation path.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { ApiAnswer } from '../harness/api-client';
import type { ApiRequester } from '../harness/api-balancer';
import { failureCause } from '../harness/api-client';
import type { BenchCatalog } from '../harness/catalog';
import { orderBody } from '../harness/catalog';
import type { BenchIdentity } from '../harness/identity';
import type { OrderPath } from '../harness/mix';
import { customerIds, orderEventHandler, reactionTo } from '../harness/operator';
import type { FeedEvent } from '../harness/order-event-feed';
import type { OrderLedger } from './ledger';

const Accepted = z.object({ orderId: z.string().min(1) });

const RETRY_EVERY_MS = 1_000;

/** Answers worth another try: the API or something behind it is down, busy or slow. */
const retryable = (answer: ApiAnswer) => answer.status >= 500 || answer.status === 429;

export interface ChaosDriver {
  submit(path: OrderPath): Promise<void>;
  onEvent(event: FeedEvent): void;
  /** Review and cancel calls by final outcome ("200 approve", "409 order_closed" …). */
  readonly reactions: Map<string, number>;
  /** Reactions not answered for good yet. */
  pendingReactions(): number;
}

export function createChaosDriver(
  api: ApiRequester,
  id: BenchIdentity,
  catalog: BenchCatalog,
  ledger: OrderLedger,
  retryLimitMs: number,
): ChaosDriver {
  const customers = customerIds(id.customerPrefix);
  let pending = 0;
  const reactions = new Map<string, number>();
  const count = (what: string) => reactions.set(what, (reactions.get(what) ?? 0) + 1);

  async function call(
    route: string,
    secret: string,
    body: unknown,
    key: string,
  ): Promise<ApiAnswer | { error: string }> {
    try {
      return await api.request('POST', route, secret, body, { 'Idempotency-Key': key });
    } catch (err) {
      return { error: err instanceof Error ? err.name : 'error' };
    }
  }

  async function submit(path: OrderPath): Promise<void> {
    const customerId = customers.next(path);
    const key = `chaos-${randomUUID()}`;
    const body = orderBody(path, customerId, catalog);
    const record = ledger.offer(key, path, customerId, Date.now());
    for (;;) {
      const sent = Date.now();
      const answer = await call('/v1/orders', id.storefront.secret, body, key);
      const at = Date.now();
      const tookMs = at - sent;
      if ('error' in answer) ledger.attempt(record, { at, tookMs, accepted: false, cause: answer.error });
      else {
        const accepted = Accepted.safeParse(answer.body);
        // 202 the first time, 200 for a retry whose earlier attempt started the saga after all.
        if ((answer.status === 202 || answer.status === 200) && accepted.success) {
          ledger.attempt(record, { at, tookMs, accepted: true, cause: String(answer.status) });
          ledger.accept(record, accepted.data.orderId, at);
          return;
        }
        ledger.attempt(record, { at, tookMs, accepted: false, cause: failureCause(answer) });
        if (!retryable(answer)) {
          // A 4xx here means the run built a bad order: retrying cannot help, and it is a finding.
          ledger.giveUp(record, `refused for good: ${failureCause(answer)}`);
          return;
        }
      }
      if (at - record.firstSentAt > retryLimitMs) {
        ledger.giveUp(record, `still refused after ${Math.round(retryLimitMs / 1000)} s`);
        return;
      }
      await sleep(RETRY_EVERY_MS);
    }
  }

  /** Approve (or, on the cancel path, cancel) once per order, retried until the API answers for good. */
  async function react(orderId: string, path: OrderPath): Promise<void> {
    const { route, body, succeeded } = reactionTo(orderId, path, { reviewer: 'chaos', run: 'chaos run' });
    const started = Date.now();
    pending++;
    try {
      for (;;) {
        const answer = await call(route, id.operator.secret, body, `chaos-react-${orderId}`);
        const done = !('error' in answer) && !retryable(answer);
        if (done || Date.now() - started > retryLimitMs) {
          // 409 order_closed after a retry: an earlier attempt did it and only its answer was lost.
          count('error' in answer ? answer.error : answer.status === 200 ? succeeded : failureCause(answer));
          return;
        }
        await sleep(RETRY_EVERY_MS);
      }
    } finally {
      pending--;
    }
  }

  const onEvent = orderEventHandler(
    customers.pathOf,
    (orderId, type, at) => ledger.settle(orderId, type, at),
    (orderId, path) => void react(orderId, path),
  );

  return { submit, onEvent, reactions, pendingReactions: () => pending };
}
