/**
 * Writes domain events to the transactional outbox. Callers pass the client of the transaction that
 * makes the state change, so the event exists if and only if the change committed. The event id is the
 * primary key: a retried step that writes the same event again inserts nothing, and one that would write a
 * different event under an id already taken is refused (platform/divergence.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Pool, PoolClient } from 'pg';
import type { CloudEventEnvelope } from './cloud-event-message';
import { divergentWrite } from './divergence';

/**
 * What makes two events with one id the same event: everything but `time`. The workflow stamps an event
 * with the time of the workflow task that decided it; a task retried after a crash decides the same
 * event again a few seconds later, and the first one written stands.
 */
function content(event: CloudEventEnvelope): Omit<CloudEventEnvelope, 'time'> {
  const { time: _time, ...rest } = event;
  return rest;
}

/**
 * Inserts the events in the given order (their positions rise in that order). An event already there is
 * skipped when it is the same event, and refused (non-retryable) when its content differs.
 */
export async function writeToOutbox(
  db: PoolClient | Pool,
  events: readonly CloudEventEnvelope[],
): Promise<number> {
  if (events.length === 0) return 0;
  // One statement for the lot: WITH ORDINALITY keeps the caller's order for the serial positions.
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO outbox_events (id, message_key, type, event)
       SELECT e->>'id', e->>'subject', e->>'type', e
         FROM json_array_elements($1::json) WITH ORDINALITY AS t(e, n)
        ORDER BY n
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [JSON.stringify(events)],
  );
  if (rows.length === events.length) return rows.length;
  const inserted = new Set(rows.map((r) => r.id));
  const skipped = events.filter((e) => !inserted.has(e.id));
  const existing = await db.query<{ id: string; event: CloudEventEnvelope }>(
    'SELECT id, event FROM outbox_events WHERE id = ANY($1)',
    [skipped.map((e) => e.id)],
  );
  const recorded = new Map(existing.rows.map((r) => [r.id, r.event]));
  for (const event of skipped) {
    const earlier = recorded.get(event.id);
    // Pruned since (published long ago): nothing left to compare with, and nothing to publish again.
    if (!earlier) continue;
    // Through JSON both, so an absent optional field and an undefined one compare equal.
    const attempted = JSON.parse(JSON.stringify(content(event))) as unknown;
    if (!isDeepStrictEqual(content(earlier), attempted)) {
      throw divergentWrite('outbox event', event.id, earlier, event);
    }
  }
  return rows.length;
}
