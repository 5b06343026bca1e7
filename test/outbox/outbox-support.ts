import type { Pool } from 'pg';
import { stampedOrderEvent } from '../../contracts/events';
import type { EventStamp, OrderEvent } from '../../contracts/events';
import { writeToOutbox } from '../../platform/outbox';
import type { CollectedMessage } from '../support/topic-collector';

/** The stamp the saga would give the order's event number `sequence`. */
export function stampOf(orderId: string, sequence: number): EventStamp {
  return { id: `order-${orderId}:${sequence}`, subject: orderId, sequence, time: new Date().toISOString() };
}

/** A valid event of the given sequence (the relay does not care which type it relays). */
export function sampleEvent(orderId: string, sequence: number): OrderEvent {
  return stampedOrderEvent(stampOf(orderId, sequence), 'notification.sent', {
    orderId,
    kind: 'confirmed',
    channel: 'email',
    messageId: `<${orderId}.${sequence}@test>`,
  });
}

/** Writes `count` events of each order, each event in its own transaction, orders interleaved. */
export async function writeInterleaved(pool: Pool, orderIds: string[], count: number): Promise<void> {
  for (let sequence = 1; sequence <= count; sequence++) {
    await Promise.all(orderIds.map((id) => writeToOutbox(pool, [sampleEvent(id, sequence)])));
  }
}

export async function outboxRowsOf(pool: Pool, orderId: string) {
  const { rows } = await pool.query<{ id: string; type: string }>(
    'SELECT id, type FROM outbox_events WHERE message_key = $1 ORDER BY position',
    [orderId],
  );
  return rows;
}

/**
 * Per order, the sequences in the order they first arrived, and whether every repeated id carried the
 * same message as its first copy.
 */
export function arrivalBySubject(messages: CollectedMessage[], subjects: Set<string>) {
  const firstSeen = new Map<string, string>();
  const arrival = new Map<string, number[]>();
  let duplicates = 0;
  let conflicting = 0;
  for (const message of messages) {
    const event = JSON.parse(message.value) as { id: string; subject: string; sequence: number };
    if (!subjects.has(event.subject)) continue;
    const earlier = firstSeen.get(event.id);
    if (earlier !== undefined) {
      duplicates += 1;
      if (earlier !== message.value) conflicting += 1;
      continue;
    }
    firstSeen.set(event.id, message.value);
    arrival.set(event.subject, [...(arrival.get(event.subject) ?? []), event.sequence]);
  }
  return { arrival, duplicates, conflicting, unique: firstSeen.size };
}

export const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
