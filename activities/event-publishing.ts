/**
 * publishOrderEvent, kept for sagas started before the outbox (workflows/legacy/): they still call it on
 * the bridge worker's task queue, one event at a time and in order. It writes the event to the outbox like
 * every other step, so the relay publishes it in order and a Kafka outage cannot hold the saga.
 */
import type { Pool } from 'pg';
import type { OrderEvent } from '../contracts/events';
import { writeToOutbox } from '../platform/outbox';

export function createEventPublishingActivities(pool: Pool) {
  async function publishOrderEvent(event: OrderEvent): Promise<{ outboxed: boolean }> {
    return { outboxed: (await writeToOutbox(pool, [event])) === 1 };
  }
  return { publishOrderEvent };
}

export type EventPublishingActivities = ReturnType<typeof createEventPublishingActivities>;
