/**
 * Where the outbox relay's events land on Kafka. The relay gives each event its partition on its primary
 * topic itself, computed with the producers' own partitioner (so an event goes exactly where kafkajs
 * would have put it), and reads each event's offset back from the send's answer: the messages of one
 * partition in one send are appended contiguously in the order given, so the n-th of them sits at the
 * partition's base offset + n.
 */
import type { Admin, Kafka, Message, PartitionMetadata, RecordMetadata } from 'kafkajs';
import { keyPartitioner } from '../platform/kafka';

/** kafkajs's own `metadataMaxAge`: a partition count is trusted as long as the producer trusts its metadata. */
const PARTITION_COUNT_MAX_AGE_MS = 5 * 60_000;

export interface Placement {
  topic: string;
  partition: number;
  /** A string, as kafkajs gives offsets (int64). */
  offset: string;
}

export interface PartitionAssigner {
  /** The partition `message` goes to on `topic`; throws a KafkaJS error while Kafka is unreachable. */
  partitionOf(topic: string, message: Message): Promise<number>;
  close(): Promise<void>;
}

/** Assigns partitions like the producer would, from topic metadata fetched once and cached. */
export function createPartitionAssigner(kafka: Kafka): PartitionAssigner {
  const partitioner = keyPartitioner();
  const metadata = new Map<string, { partitions: PartitionMetadata[]; fetchedAt: number }>();
  let admin: Admin | undefined;

  async function connectedAdmin(): Promise<Admin> {
    if (admin) return admin;
    const fresh = kafka.admin();
    try {
      await fresh.connect();
    } catch (err) {
      await fresh.disconnect().catch(() => undefined);
      throw err;
    }
    admin = fresh;
    return fresh;
  }

  async function partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    const cached = metadata.get(topic);
    if (cached && Date.now() - cached.fetchedAt < PARTITION_COUNT_MAX_AGE_MS) return cached.partitions;
    const { topics } = await (await connectedAdmin()).fetchTopicMetadata({ topics: [topic] });
    const partitions = topics.find((t) => t.name === topic)?.partitions ?? [];
    if (partitions.length === 0) throw new Error(`Kafka reports no partitions for topic ${topic}`);
    metadata.set(topic, { partitions, fetchedAt: Date.now() });
    return partitions;
  }

  return {
    async partitionOf(topic, message) {
      return partitioner({ topic, message, partitionMetadata: await partitionsOf(topic) });
    },
    async close() {
      const old = admin;
      admin = undefined;
      metadata.clear();
      await old?.disconnect().catch(() => undefined);
    },
  };
}

/**
 * The placement of each message sent, given in send order with its topic and partition, read from the
 * send's answer (one base offset per topic-partition). Undefined where the answer lacks the partition.
 */
export function placementsOf(
  sent: readonly { topic: string; partition: number }[],
  answer: readonly RecordMetadata[],
): (Placement | undefined)[] {
  const baseOffsets = new Map<string, bigint>();
  for (const meta of answer) {
    if (meta.baseOffset !== undefined)
      baseOffsets.set(`${meta.topicName}:${meta.partition}`, BigInt(meta.baseOffset));
  }
  const nextIndex = new Map<string, bigint>();
  return sent.map(({ topic, partition }) => {
    const key = `${topic}:${partition}`;
    const base = baseOffsets.get(key);
    if (base === undefined) return undefined;
    const index = nextIndex.get(key) ?? 0n;
    nextIndex.set(key, index + 1n);
    return { topic, partition, offset: String(base + index) };
  });
}

/**
 * The topic-partitions a send wrote to that its answer does not name. kafkajs 2.2.4 can resolve a send
 * that spans several brokers without the batch of a partition whose leader died mid-send, never retrying
 * it (tulios/kafkajs#1303): such a send is incomplete, and its events must be sent again.
 */
export function unansweredPartitions(
  sent: readonly { topic: string; partition: number }[],
  answer: readonly RecordMetadata[],
): string[] {
  const answered = new Set(
    answer
      .filter((m) => m.errorCode === 0 || m.errorCode === undefined)
      .map((m) => `${m.topicName}:${m.partition}`),
  );
  return [...new Set(sent.map(({ topic, partition }) => `${topic}:${partition}`))].filter(
    (k) => !answered.has(k),
  );
}
