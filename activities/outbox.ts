/**
 * The recording step: writes events of transitions that have no database change of their own (a review
 * held or decided, the final outcome after compensation) to the outbox. Idempotent by event id.
 */
import type { Pool } from 'pg';
import type { OrderEvent } from '../contracts/events';
import type { GroupEvent } from '../contracts/group-events';
import { writeToOutbox } from '../platform/outbox';

export function createOutboxActivities(pool: Pool) {
  async function recordOrderEvents(events: OrderEvent[]): Promise<void> {
    await writeToOutbox(pool, events);
  }
  /** A group deal's own events (group.opened …), idempotent by event id like the order events. */
  async function recordGroupEvents(events: GroupEvent[]): Promise<void> {
    await writeToOutbox(pool, events);
  }
  return { recordOrderEvents, recordGroupEvents };
}

export type OutboxActivities = ReturnType<typeof createOutboxActivities>;
