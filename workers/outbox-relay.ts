/**
 * The outbox relay: publishes committed outbox events to Kafka in order, then marks them published.
 *
 * One relay at a time: the relay that holds a PostgreSQL advisory lock is the leader, the others stand by
 * and take over within a poll interval when its session ends (crash, shutdown, lost connection). A lock
 * rather than a partition of orders per relay: order is trivially kept (one reader, one idempotent
 * producer with one request in flight), failover needs no rebalancing, and one relay sending batches of
 * hundreds outruns what Temporal can settle by orders of magnitude.
 *
 * Delivery is at least once: a relay that dies after Kafka acknowledged a batch but before marking it
 * leaves it to the next leader, which sends it again with the same ids, in the same order.
 */
import { Client } from 'pg';
import type { Pool } from 'pg';
import type { Kafka, Message, Producer } from 'kafkajs';
import { topicsForOrderEvent } from '../contracts/topics';
import type { CloudEventEnvelope } from '../platform/cloud-event-message';
import { cloudEventMessage } from '../platform/cloud-event-message';
import type { AppConfig } from '../platform/config';
import { crashPoints } from '../platform/crash-points';
import { createIdempotentProducer } from '../platform/kafka';
import type { Service } from '../platform/lifecycle';
import type { Logger } from '../platform/logger';
import { createPartitionAssigner, placementsOf, unansweredPartitions } from './event-placement';
import { WakeSignal } from './wake-signal';

// Arbitrary constant shared by every relay of a database (the migrations use 727_001).
const RELAY_LOCK_KEY = 727_002;
const PRUNE_EVERY_MS = 10 * 60_000;
const MAX_BACKOFF_MS = 5_000;

export interface OutboxRelay extends Service {
  /** True while this relay holds the lock and publishes. */
  isLeader(): boolean;
  /** Events this relay has published since it started (Kafka acknowledged and marked in the outbox). */
  published(): number;
}

export interface OutboxRelayDeps {
  config: Pick<AppConfig, 'database' | 'outbox' | 'crashPoints'>;
  /** The relay makes its own idempotent producer from this client, and a new one when the broker lost its session. */
  kafka: Kafka;
  logger: Logger;
}

/**
 * Answers meaning the broker no longer knows this producer's session (a broker killed mid-write and
 * restarted forgets the sequence numbers of the batch it never appended): every later send of the same
 * producer is refused the same way, so only a new producer, with a new id and sequences from 0, gets
 * through. Its first batch repeats the unpublished rows from the oldest, so order holds; rows the old
 * session did get onto the log arrive twice, with the same ids (at-least-once).
 */
const producerSessionLost = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

interface PendingRow {
  position: string;
  type: string;
  event: CloudEventEnvelope;
}

export function createOutboxRelay({ config, kafka, logger }: OutboxRelayDeps): OutboxRelay {
  const { batchSize, pollIntervalMs, retentionMs } = config.outbox;
  const wake = new WakeSignal();
  let stopping = false;
  let leader = false;
  let publishedCount = 0;
  let lastPrune = 0;
  let loop: Promise<void> | undefined;
  let producer: Producer | undefined;
  const partitions = createPartitionAssigner(kafka);
  const points = crashPoints(config.crashPoints);

  /** The current producer, connected; a new one after the last was dropped. Throws a KafkaJS error while Kafka is down. */
  async function connectedProducer(): Promise<Producer> {
    if (producer) return producer;
    const fresh = createIdempotentProducer(kafka);
    try {
      await fresh.connect();
    } catch (err) {
      await fresh.disconnect().catch(() => undefined);
      throw err;
    }
    producer = fresh;
    return fresh;
  }

  async function dropProducer(): Promise<void> {
    const old = producer;
    producer = undefined;
    await old?.disconnect().catch(() => undefined);
  }

  /** Publishes the oldest unpublished events; returns how many, or throws on a Kafka or database fault. */
  async function relayBatch(session: Client): Promise<number> {
    // Every unpublished row, not "after the last position": a row committed late with a lower position
    // (another order's transaction that took longer) is never skipped.
    const { rows } = await session.query<PendingRow>(
      `SELECT position, type, event FROM outbox_events
        WHERE published_at IS NULL ORDER BY position LIMIT $1`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, Message[]>();
    const primaries: { topic: string; partition: number }[] = [];
    const sentTo: { topic: string; partition: number }[] = [];
    for (const row of rows) {
      const message = cloudEventMessage(row.event);
      const [primary, ...narrow] = topicsForOrderEvent(row.type);
      if (!primary) throw new Error(`no topic for event type ${row.type}`);
      // Every copy gets an explicit partition (the one the producer would pick anyway): the primary's
      // offset is read back from the answer, and every partition written must be in the answer.
      for (const topic of [primary, ...narrow]) {
        const partition = await partitions.partitionOf(topic, message);
        if (topic === primary) primaries.push({ topic, partition });
        sentTo.push({ topic, partition });
        const messages = byTopic.get(topic) ?? [];
        messages.push({ ...message, partition });
        byTopic.set(topic, messages);
      }
    }
    // No compression: n8n's Kafka trigger cannot read LZ4/Snappy/ZSTD batches.
    const answer = await (
      await connectedProducer()
    ).sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    const unanswered = unansweredPartitions(sentTo, answer);
    if (unanswered.length > 0) throw new IncompleteSendError(unanswered);
    // Crash tests: the instant after Kafka acknowledged and before the rows are marked (a resend follows).
    if (points.armed) for (const row of rows) points.reach('relayAcked', row.event.subject);
    const placements = placementsOf(primaries, answer);
    // At least once: a row sent again (a relay that died before this update) keeps its latest placement;
    // the earlier copy stays on the log with the same event id.
    await session.query(
      `UPDATE outbox_events o
          SET published_at = clock_timestamp(),
              kafka_topic = p.topic, kafka_partition = p.partition, kafka_offset = p.kafka_offset
         FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[]) AS p(position, topic, partition, kafka_offset)
        WHERE o.position = p.position`,
      [
        rows.map((r) => r.position),
        placements.map((p) => p?.topic ?? null),
        placements.map((p) => p?.partition ?? null),
        placements.map((p) => p?.offset ?? null),
      ],
    );
    publishedCount += rows.length;
    return rows.length;
  }

  async function pruneIfDue(session: Client): Promise<void> {
    if (Date.now() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = Date.now();
    const { rowCount } = await session.query(
      `DELETE FROM outbox_events WHERE published_at < clock_timestamp() - $1 * interval '1 millisecond'`,
      [retentionMs],
    );
    if (rowCount) logger.info({ pruned: rowCount }, 'pruned published outbox events');
  }

  /** Holds the lock on `session` and relays until stopped; returns or throws when the session is unusable. */
  async function lead(session: Client): Promise<void> {
    session.on('notification', () => wake.wake());
    await session.query('LISTEN outbox_events');
    leader = true;
    logger.info('outbox relay is the leader: publishing');
    let kafkaBackoff = 0;
    while (!stopping) {
      let sent: number;
      try {
        sent = await relayBatch(session);
        kafkaBackoff = 0;
      } catch (err) {
        if (!isKafkaError(err)) throw err;
        // Kafka is down: keep the lock and the events, and try again; sagas are not held up meanwhile.
        kafkaBackoff = Math.min(MAX_BACKOFF_MS, Math.max(250, kafkaBackoff * 2));
        logger.warn({ err, retryInMs: kafkaBackoff }, 'outbox relay cannot publish to Kafka; retrying');
        if (errorTypes(err).some((type) => producerSessionLost.has(type))) {
          logger.warn('the broker lost the producer session; publishing with a new producer');
          await dropProducer();
        }
        await wake.wait(kafkaBackoff);
        continue;
      }
      if (sent === batchSize) continue; // more are waiting
      await pruneIfDue(session);
      await wake.wait(pollIntervalMs);
    }
  }

  async function run(): Promise<void> {
    let backoff = 0;
    while (!stopping) {
      const session = new Client({ connectionString: config.database.url });
      // A lost connection surfaces as an error on the next query; this only keeps the process alive.
      session.on('error', (err) => {
        logger.warn({ err }, 'outbox relay lost its database session');
        wake.wake();
      });
      try {
        await session.connect();
        const { rows } = await session.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1) AS locked',
          [RELAY_LOCK_KEY],
        );
        backoff = 0;
        if (rows[0]?.locked) await lead(session);
        else await wake.wait(pollIntervalMs); // standby: another relay leads
      } catch (err) {
        backoff = Math.min(MAX_BACKOFF_MS, Math.max(250, backoff * 2));
        logger.warn({ err, retryInMs: backoff }, 'outbox relay interrupted; starting over');
        await wake.wait(backoff);
      } finally {
        if (leader) logger.info('outbox relay gave up the lead');
        leader = false;
        // Ending the session releases the lock for a standby relay.
        await session.end().catch(() => undefined);
      }
    }
  }

  return {
    async start() {
      stopping = false;
      // Connected up front, so a bridge that cannot reach Kafka at all fails its start instead of idling.
      await connectedProducer();
      loop = run();
    },
    async stop() {
      stopping = true;
      wake.wake();
      await loop;
      await dropProducer();
      await partitions.close();
    },
    isLeader: () => leader,
    published: () => publishedCount,
  };
}

/**
 * A send that Kafka did not acknowledge whole: nothing of the batch is marked published, and all of it is
 * sent again (at least once: the partitions that did take it get a second copy with the same event ids).
 */
export class IncompleteSendError extends Error {
  constructor(readonly partitions: string[]) {
    super(`Kafka did not acknowledge ${partitions.join(', ')} of the send; the batch is sent again`);
    this.name = 'IncompleteSendError';
  }
}

function isKafkaError(err: unknown): boolean {
  return err instanceof IncompleteSendError || (err instanceof Error && /^KafkaJS/.test(err.name));
}

/** Protocol error types of a KafkaJS error and the errors it wraps (retries wrap the last one). */
function errorTypes(err: unknown): string[] {
  const types: string[] = [];
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if ('type' in e && typeof e.type === 'string') types.push(e.type);
    e = 'originalError' in e ? e.originalError : 'cause' in e ? e.cause : undefined;
  }
  return types;
}

/** Relay lag read from the outbox itself, so any bridge process (leader or standby) can report it. */
export async function outboxLag(pool: Pool): Promise<{ pending: number; oldestAgeSeconds: number }> {
  const { rows } = await pool.query<{ pending: string; age: number | null }>(
    `SELECT count(*) AS pending, extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS age
       FROM outbox_events WHERE published_at IS NULL`,
  );
  return { pending: Number(rows[0]?.pending ?? 0), oldestAgeSeconds: rows[0]?.age ?? 0 };
}
