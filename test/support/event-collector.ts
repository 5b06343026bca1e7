import type { Kafka } from 'kafkajs';
import { OrderEvent } from '../../contracts/events';
import type { OrderEvent as OrderEventType } from '../../contracts/events';
import { topics } from '../../contracts/topics';
import { TopicCollector } from './topic-collector';

/**
 * Reads the order events topic from where it stood at start(), validating every message against the
 * contract, and lets a test wait for one order's events.
 */
export class EventCollector {
  private readonly topic: TopicCollector;

  constructor(kafka: Kafka) {
    this.topic = new TopicCollector(kafka, topics.orderEvents);
  }

  start(): Promise<void> {
    return this.topic.start();
  }

  stop(): Promise<void> {
    return this.topic.stop();
  }

  private parsed() {
    return this.topic.all().map((m) => ({ raw: m.value, result: OrderEvent.safeParse(JSON.parse(m.value)) }));
  }

  /** Every event received for an order, in arrival order (duplicates included). */
  eventsOf(orderId: string): OrderEventType[] {
    return this.parsed()
      .flatMap(({ result }) => (result.success ? [result.data as OrderEventType] : []))
      .filter((e) => e.subject === orderId);
  }

  invalidMessages(): string[] {
    return this.parsed()
      .filter(({ result }) => !result.success)
      .map(({ raw }) => raw);
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
    await this.topic.waitUntil(
      () => done(this.eventsOf(orderId)),
      () =>
        `${what} of order ${orderId}; got: ${JSON.stringify(this.eventsOf(orderId).map((e) => `${e.sequence}:${e.type}`))}`,
      timeoutMs,
    );
    return this.eventsOf(orderId);
  }
}

/** Deduplicates by event id (what a consumer is expected to do) and orders by sequence. */
export function dedupe(events: OrderEventType[]): OrderEventType[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  return [...byId.values()].sort((a, b) => a.sequence - b.sequence);
}
