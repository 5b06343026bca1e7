/**
 * How far n8n's Kafka triggers trail the topics they read. The topics and consumer groups are read from
 * the shipped n8n/*.json workflows each run, never hard-coded, so they follow changes to the workflows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { z } from 'zod';

const KAFKA_TRIGGER = 'n8n-nodes-base.kafkaTrigger';

const N8nWorkflow = z.object({
  name: z.string().optional(),
  nodes: z.array(z.object({ type: z.string(), parameters: z.record(z.string(), z.unknown()).optional() })),
});

export interface KafkaTrigger {
  workflow: string;
  topic: string;
  groupId: string;
}

/** The Kafka triggers of one exported n8n workflow (JSON as exported; anything else yields none). */
export function kafkaTriggersOf(json: unknown, fallbackName: string): KafkaTrigger[] {
  const parsed = N8nWorkflow.safeParse(json);
  if (!parsed.success) return [];
  return parsed.data.nodes.flatMap((node) => {
    const { topic, groupId } = node.parameters ?? {};
    if (node.type !== KAFKA_TRIGGER || typeof topic !== 'string' || typeof groupId !== 'string') return [];
    return [{ workflow: parsed.data.name ?? fallbackName, topic, groupId }];
  });
}

export function readKafkaTriggers(dir: string): KafkaTrigger[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => kafkaTriggersOf(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown, f));
}

export interface Lag {
  /** Messages behind, over the partitions the group has committed on. */
  messages: number;
  /** Partitions holding messages on which the group has committed nothing (lag unknown there). */
  uncommittedPartitions: number;
}

/** lag = high-water mark − committed offset, summed; an offset of -1 means the group never committed there. */
export function computeLag(
  ends: readonly { partition: number; high: string }[],
  committed: readonly { partition: number; offset: string }[],
): Lag {
  const byPartition = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  let messages = 0;
  let uncommittedPartitions = 0;
  for (const { partition, high } of ends) {
    const offset = byPartition.get(partition) ?? -1;
    if (offset < 0) {
      if (Number(high) > 0) uncommittedPartitions++;
      continue;
    }
    messages += Math.max(0, Number(high) - offset);
  }
  return { messages, uncommittedPartitions };
}

export async function consumerLag(admin: Admin, trigger: KafkaTrigger): Promise<Lag> {
  const ends = await admin.fetchTopicOffsets(trigger.topic);
  const [group] = await admin.fetchOffsets({ groupId: trigger.groupId, topics: [trigger.topic] });
  return computeLag(ends, group?.partitions ?? []);
}
