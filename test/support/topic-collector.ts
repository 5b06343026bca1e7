import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';

export interface CollectedMessage {
  key: string | undefined;
  value: string;
  headers: Record<string, string>;
  /** Broker timestamp (ms since epoch). */
  timestamp: number;
}

/**
 * Reads any topic from the offsets it had when the collector started (nothing earlier, nothing missed)
 * and lets a test wait for what it expects. The event and command readers of the tests build on it.
 */
export class TopicCollector {
  private consumer: Consumer | undefined;
  private readonly messages: CollectedMessage[] = [];
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {}

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(this.topic);
    await admin.disconnect();
    // A consumer that crashed during a broker outage restarts on a timer; after stop() it must not.
    this.consumer = this.kafka.consumer({
      groupId: `test-topic-collector-${randomUUID()}`,
      retry: { restartOnFailure: () => Promise.resolve(!this.stopped) },
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
        }
        this.messages.push({
          key: message.key?.toString(),
          value: message.value?.toString() ?? '',
          headers,
          timestamp: Number(message.timestamp),
        });
        this.waiters.forEach((w) => w());
        return Promise.resolve();
      },
    });
    // Start exactly where the topic was, so nothing produced after start() can be missed.
    for (const { partition, offset } of offsets) this.consumer.seek({ topic: this.topic, partition, offset });
  }

  async stop(): Promise<void> {
    this.stopped = true;
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
    await this.waitUntil(
      () => this.messages.some(match),
      () => `${what} on ${this.topic}; ${this.messages.length} other message(s) arrived`,
      timeoutMs,
    );
    return this.messages.find(match)!;
  }

  /** Waits (woken by each new message) until `done()` holds; the error says what was awaited and what came. */
  async waitUntil(done: () => boolean, describe: () => string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`);
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
