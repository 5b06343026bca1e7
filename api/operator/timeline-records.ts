/**
 * The order timeline's PostgreSQL side: the commands recorded for the order (platform/order-command-log.ts)
 * and its outbox events with where the relay put them on Kafka, each read with one indexed query.
 */
import type { Pool } from 'pg';
import type {
  CommandChannel,
  CommandKind,
  CommandOutcome,
  KafkaPlacement,
  TimelineEntry,
} from '../../contracts/http-timeline';

type CommandEntry = Extract<TimelineEntry, { source: 'command' }>;
type EventEntry = Extract<TimelineEntry, { source: 'event' }>;

/** Events that tell of a compensation: stock given back, an authorization voided or a capture refunded. */
const compensationEvents = new Set(['inventory.released', 'payment.voided', 'payment.refunded']);

const kindTitles: Record<CommandKind, string> = {
  submit: 'Order submitted',
  cancel: 'Cancellation',
  review_decision: 'Review decision',
};
const channelTitles: Record<CommandChannel, string> = { http: 'HTTP', kafka: 'Kafka' };

interface CommandRow {
  id: string;
  channel: CommandChannel;
  kind: CommandKind;
  actor: string;
  api_key: string | null;
  outcome: CommandOutcome;
  reason: string | null;
  request: Record<string, unknown>;
  request_id: string | null;
  kafka_topic: string | null;
  kafka_partition: number | null;
  kafka_offset: string | null;
  received_at: Date;
  answered_at: Date;
}

interface EventRow {
  id: string;
  type: string;
  sequence: number | null;
  created_at: Date;
  published_at: Date | null;
  kafka_topic: string | null;
  kafka_partition: number | null;
  kafka_offset: string | null;
}

function placement(row: {
  kafka_topic: string | null;
  kafka_partition: number | null;
  kafka_offset: string | null;
}): KafkaPlacement | undefined {
  if (row.kafka_topic === null || row.kafka_partition === null || row.kafka_offset === null) return undefined;
  return { topic: row.kafka_topic, partition: row.kafka_partition, offset: row.kafka_offset };
}

function commandEntry(row: CommandRow): CommandEntry {
  const decision = typeof row.request.decision === 'string' ? ` (${row.request.decision})` : '';
  const kafka = placement(row);
  return {
    at: row.received_at.toISOString(),
    source: 'command',
    title: `${kindTitles[row.kind]}${decision} via ${channelTitles[row.channel]} by ${row.actor}: ${row.outcome}`,
    compensation: false,
    details: {
      commandId: row.id,
      channel: row.channel,
      kind: row.kind,
      actor: row.actor,
      ...(row.api_key ? { apiKey: row.api_key } : {}),
      outcome: row.outcome,
      ...(row.reason ? { reason: row.reason } : {}),
      request: row.request,
      ...(row.request_id ? { requestId: row.request_id } : {}),
      ...(kafka ? { kafka } : {}),
      answeredAt: row.answered_at.toISOString(),
    },
  };
}

function eventEntry(row: EventRow): EventEntry {
  const kafka = placement(row);
  return {
    // When the event was committed with the state change it tells of.
    at: row.created_at.toISOString(),
    source: 'event',
    title: row.sequence === null ? row.type : `${row.type} #${row.sequence}`,
    compensation: compensationEvents.has(row.type),
    details: {
      eventId: row.id,
      type: row.type,
      ...(row.sequence === null ? {} : { sequence: row.sequence }),
      ...(kafka ? { kafka } : {}),
      ...(row.published_at ? { publishedAt: row.published_at.toISOString() } : {}),
    },
  };
}

export async function commandEntries(pool: Pool, orderId: string): Promise<CommandEntry[]> {
  const { rows } = await pool.query<CommandRow>(
    `SELECT id, channel, kind, actor, api_key, outcome, reason, request, request_id,
            kafka_topic, kafka_partition, kafka_offset::text, received_at, answered_at
       FROM order_commands WHERE order_id = $1 ORDER BY received_at`,
    [orderId],
  );
  return rows.map(commandEntry);
}

/** The order's events still in the outbox (published ones are pruned after OUTBOX_RETENTION_HOURS). */
export async function eventEntries(pool: Pool, orderId: string): Promise<EventEntry[]> {
  const { rows } = await pool.query<EventRow>(
    `SELECT id, type, (event->>'sequence')::int AS sequence, created_at, published_at,
            kafka_topic, kafka_partition, kafka_offset::text
       FROM outbox_events WHERE message_key = $1 ORDER BY position`,
    [orderId],
  );
  return rows.map(eventEntry);
}
