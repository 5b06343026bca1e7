import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { OrderEvent } from '../../contracts/events';
import type { OrderEvent as OrderEventType } from '../../contracts/events';
import { topics } from '../../contracts/topics';

/**
 * Reads the order events topic from the offsets it had when the collector started, validating every
 * message against the contract, and lets a test wait for one order's events.
 */
export class EventCollector {
  private consumer: Consumer | undefined;
  private readonly events: OrderEventType[] = [];
  private readonly invalid: string[] = [];
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly kafka: Kafka) {}

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topics.orderEvents);
    await admin.disconnect();
    // A consumer that crashed during a broker outage restarts on a timer; after stop() it must not.
    this.consumer = this.kafka.consumer({
      groupId: `test-collector-${randomUUID()}`,
      retry: { restartOnFailure: () => Promise.resolve(!this.stopped) },
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: topics.orderEvents, fromBeginning: false });
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const parsed = OrderEvent.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
        if (parsed.success) this.events.push(parsed.data as OrderEventType);
        else this.invalid.push(message.value?.toString() ?? '');
        this.waiters.forEach((w) => w());
        return Promise.resolve();
      },
    });
    // Start exactly where the topic was, so nothing produced after start() can be missed.
    for (const { partition, offset } of offsets)
      this.consumer.seek({ topic: topics.orderEvents, partition, offset });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect();
  }

  /** Every event received for an order, in arrival order (duplicates included). */
  eventsOf(orderId: string): OrderEventType[] {
    return this.events.filter((e) => e.subject === orderId);
  }

  invalidMessages(): string[] {
    return [...this.invalid];
  }

  /** Waits until the order's events include `type`, failing with what did arrive. */
  async waitForType(
    orderId: string,
    type: OrderEventType['type'],
    timeoutMs = 30_000,
  ): Promise<OrderEventType[]> {
    return this.waitFor(
      orderId,
      (events) => events.some((e) => e.type === type),
      `an ${type} event`,
      timeoutMs,
    );
  }

  async waitFor(
    orderId: string,
    done: (events: OrderEventType[]) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<OrderEventType[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.eventsOf(orderId))) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what} of order ${orderId}; got: ${JSON.stringify(this.eventsOf(orderId).map((e) => `${e.sequence}:${e.type}`))}`,
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
    return this.eventsOf(orderId);
  }
}

/** Deduplicates by event id (what a consumer is expected to do) and orders by sequence. */
export function dedupe(events: OrderEventType[]): OrderEventType[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  return [...byId.values()].sort((a, b) => a.sequence - b.sequence);
}
