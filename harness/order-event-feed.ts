/**
 * Reads the order events topic from where it ended when the run began (a fresh consumer group whose
 * offsets are set to the topic's end before it joins, so a consumer restarted after a broker outage
 * resumes there too and never skips to "latest"). Every event is kept, by subject, for the audit.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { z } from 'zod';
import type { AuditEvent } from './event-audit';

/** Only the envelope fields a run relies on; anything else about the event is not its business. */
const Envelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().min(1),
  sequence: z.number().int().positive(),
  data: z.object({ customerId: z.string().optional() }),
});

export interface FeedEvent extends AuditEvent {
  customerId: string | undefined;
  receivedAt: number;
}

const JOIN_TIMEOUT_MS = 60_000;

export class OrderEventFeed {
  readonly bySubject = new Map<string, AuditEvent[]>();
  received = 0;
  unparseable = 0;
  crashes = 0;
  private consumer: Consumer | undefined;
  private stopped = false;

  /**
   * `consumer` tunes the consumer beyond its group id (the chaos run has it rejoin within seconds after a
   * broker restart instead of after kafkajs's growing restart delays).
   */
  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    private readonly onEvent: (event: FeedEvent) => void,
    private readonly consumerConfig: Omit<ConsumerConfig, 'groupId'> = {},
  ) {}

  async start(): Promise<void> {
    const groupId = `bench-order-events-${randomUUID()}`;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(this.topic);
      await admin.setOffsets({
        groupId,
        topic: this.topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    } finally {
      await admin.disconnect();
    }
    const consumer = this.kafka.consumer({
      ...this.consumerConfig,
      groupId,
      retry: { ...this.consumerConfig.retry, restartOnFailure: () => Promise.resolve(!this.stopped) },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, () => void this.crashes++);
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic });
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: ({ message }) => this.take(message.value),
    });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`order events consumer did not join within ${JOIN_TIMEOUT_MS / 1000} s`)),
        JOIN_TIMEOUT_MS,
      ).unref(),
    );
    await Promise.race([joined, timeout]);
  }

  private take(value: Buffer | null): Promise<void> {
    const receivedAt = Date.now();
    this.received++;
    let parsed: z.infer<typeof Envelope> | undefined;
    try {
      parsed = Envelope.parse(JSON.parse(value?.toString() ?? ''));
    } catch {
      this.unparseable++;
      return Promise.resolve();
    }
    const event = { id: parsed.id, type: parsed.type, subject: parsed.subject, sequence: parsed.sequence };
    const list = this.bySubject.get(event.subject);
    if (list) list.push(event);
    else this.bySubject.set(event.subject, [event]);
    this.onEvent({ ...event, customerId: parsed.data.customerId, receivedAt });
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect();
  }
}
