/**
 * Drives orders through the HTTP API (the API prices the lines) and reacts to their events as an
 * operator would: approves the orders held for review, cancels those built for the compensation path.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ApiClient } from '../harness/api-client';
import { failureCause } from '../harness/api-client';
import type { BenchCatalog } from '../harness/catalog';
import { orderBody } from '../harness/catalog';
import type { BenchIdentity } from '../harness/identity';
import type { OrderPath } from '../harness/mix';
import { customerIds, orderEventHandler, reactionTo } from '../harness/operator';
import type { FeedEvent } from '../harness/order-event-feed';
import type { Phase, UnitRegistry } from '../harness/tracker';

const Accepted = z.object({ orderId: z.string().min(1) });

export interface SagaDriver {
  submit(phase: Phase, path: OrderPath): Promise<void>;
  onEvent(event: FeedEvent): void;
  /** Review and cancel calls the benchmark made, by outcome ("200 approve", "409 order_update_refused" …). */
  readonly reactions: Map<string, number>;
}

export function createSagaDriver(
  api: ApiClient,
  id: BenchIdentity,
  catalog: BenchCatalog,
  registry: UnitRegistry,
): SagaDriver {
  const customers = customerIds(id.customerPrefix);
  const reactions = new Map<string, number>();
  const count = (what: string) => reactions.set(what, (reactions.get(what) ?? 0) + 1);

  async function submit(phase: Phase, path: OrderPath): Promise<void> {
    const customerId = customers.next(path);
    const sentAt = Date.now();
    try {
      const answer = await api.request(
        'POST',
        '/v1/orders',
        id.storefront.secret,
        orderBody(path, customerId, catalog),
        {
          'Idempotency-Key': `bench-${randomUUID()}`,
        },
      );
      const accepted = Accepted.safeParse(answer.body);
      if (answer.status !== 202 || !accepted.success) phase.fail(failureCause(answer));
      else registry.accept(accepted.data.orderId, path, phase, sentAt, Date.now());
    } catch (err) {
      phase.fail(err instanceof Error ? err.name : 'error');
    }
  }

  /** Approve (or, on the cancel path, cancel) once per order, however often the event is delivered. */
  async function react(orderId: string, path: OrderPath): Promise<void> {
    const { route, body, succeeded } = reactionTo(orderId, path, { reviewer: 'benchmark', run: 'benchmark' });
    try {
      const answer = await api.request('POST', route, id.operator.secret, body, {
        'Idempotency-Key': `bench-react-${orderId}`,
      });
      count(answer.status === 200 ? succeeded : failureCause(answer));
    } catch (err) {
      count(err instanceof Error ? err.name : 'error');
    }
  }

  const onEvent = orderEventHandler(
    customers.pathOf,
    (orderId, type, at) => registry.settle(orderId, type, at),
    (orderId, path) => void react(orderId, path),
  );

  return { submit, onEvent, reactions };
}
