import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';

export interface CollectedMessage {
  key: string | undefined;
  value: string;
  headers: Record<string, string>;
}

/**
 * Reads any topic from the offsets it had when the collector started (nothing earlier, nothing missed)
 * and lets a test wait for a message matching a predicate.
 */
export class TopicCollector {
  private consumer: Consumer | undefined;
  private readonly messages: CollectedMessage[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(this.topic);
    await admin.disconnect();
    this.consumer = this.kafka.consumer({ groupId: `test-topic-collector-${randomUUID()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
        }
        this.messages.push({ key: message.key?.toString(), value: message.value?.toString() ?? '', headers });
        this.waiters.forEach((w) => w());
        return Promise.resolve();
      },
    });
    for (const { partition, offset } of offsets) this.consumer.seek({ topic: this.topic, partition, offset });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  all(): CollectedMessage[] {
    return [...this.messages];
  }

  /** Waits until a message matches, failing with how many messages did arrive. */
  async waitFor(
    match: (m: CollectedMessage) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<CollectedMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what} on ${this.topic}; ${this.messages.length} other message(s) arrived`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
  }
}
