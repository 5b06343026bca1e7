/**
 * The recording step: writes events of transitions that have no database change of their own (a review
 * held or decided, the final outcome after compensation) to the outbox. Idempotent by event id.
 */
import type { Pool } from 'pg';
import type { OrderEvent } from '../contracts/events';
import { writeToOutbox } from '../platform/outbox';

export function createOutboxActivities(pool: Pool) {
  async function recordOrderEvents(events: OrderEvent[]): Promise<void> {
    await writeToOutbox(pool, events);
  }
  return { recordOrderEvents };
}

export type OutboxActivities = ReturnType<typeof createOutboxActivities>;
