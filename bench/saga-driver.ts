/**
 * Drives orders through the HTTP API (the API prices the lines) and reacts to their events as an
 * operator would: approves the orders held for review, cancels those built for the compensation path.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { terminalTypes } from './event-audit';
import type { ApiClient } from './api-client';
import { failureCause } from './api-client';
import type { BenchCatalog } from './catalog';
import { orderBody } from './catalog';
import type { BenchIdentity } from './identity';
import type { OrderPath } from './mix';
import { orderPaths } from './mix';
import type { FeedEvent } from './order-event-feed';
import type { Phase, UnitRegistry } from './tracker';

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
  let counter = 0;
  const reactions = new Map<string, number>();
  const reactedTo = new Set<string>();
  const pathOf = new RegExp(`^${id.customerPrefix}-(${orderPaths.join('|')})-\\d+$`);
  const count = (what: string) => reactions.set(what, (reactions.get(what) ?? 0) + 1);

  async function submit(phase: Phase, path: OrderPath): Promise<void> {
    const customerId = `${id.customerPrefix}-${path}-${counter++}`;
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
    const cancel = path === 'cancel';
    const route = `/v1/orders/${orderId}/${cancel ? 'cancel' : 'review'}`;
    const body = cancel
      ? { reason: 'benchmark compensation path' }
      : { decision: 'approve', reviewer: 'benchmark', note: 'approved by the benchmark' };
    try {
      const answer = await api.request('POST', route, id.operator.secret, body, {
        'Idempotency-Key': `bench-react-${orderId}`,
      });
      count(answer.status === 200 ? `200 ${cancel ? 'cancel' : 'approve'}` : failureCause(answer));
    } catch (err) {
      count(err instanceof Error ? err.name : 'error');
    }
  }

  function onEvent(event: FeedEvent): void {
    const path = pathOf.exec(event.customerId ?? '')?.[1] as OrderPath | undefined;
    if (!path) return;
    if (terminalTypes.includes(event.type)) registry.settle(event.subject, event.type, event.receivedAt);
    if (event.type === 'order.review_required' && !reactedTo.has(event.subject)) {
      reactedTo.add(event.subject);
      void react(event.subject, path);
    }
  }

  return { submit, onEvent, reactions };
}
