/**
 * Writes domain events to the transactional outbox. Callers pass the client of the transaction that
 * makes the state change, so the event exists if and only if the change committed. The event id is the
 * primary key: a retried step that writes the same event again inserts nothing.
 */
import type { Pool, PoolClient } from 'pg';
import type { CloudEventEnvelope } from './cloud-event-message';

/** Inserts the events in the given order (their positions rise in that order); duplicates are ignored. */
export async function writeToOutbox(
  db: PoolClient | Pool,
  events: readonly CloudEventEnvelope[],
): Promise<number> {
  if (events.length === 0) return 0;
  // One statement for the lot: WITH ORDINALITY keeps the caller's order for the serial positions.
  const { rowCount } = await db.query(
    `INSERT INTO outbox_events (id, message_key, type, event)
       SELECT e->>'id', e->>'subject', e->>'type', e
         FROM json_array_elements($1::json) WITH ORDINALITY AS t(e, n)
        ORDER BY n
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(events)],
  );
  return rowCount ?? 0;
}
