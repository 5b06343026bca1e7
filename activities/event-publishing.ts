/**
 * Publishes one domain event to Kafka. Runs on the bridge worker's task queue with one long-lived
 * idempotent producer; the saga awaits each publish, so one order's events reach the topic in order.
 */
import type { Producer } from 'kafkajs';
import type { OrderEvent } from '../contracts/events';
import { topics } from '../contracts/topics';
import { cloudEventMessage } from '../platform/cloud-event-message';

export function createEventPublishingActivities(producer: Producer) {
  async function publishOrderEvent(
    event: OrderEvent,
  ): Promise<{ topic: string; partition: number; offset: string }> {
    // No compression: n8n's Kafka trigger cannot read LZ4/Snappy/ZSTD batches.
    const [meta] = await producer.send({
      topic: topics.orderEvents,
      acks: -1,
      messages: [cloudEventMessage(event)],
    });
    return { topic: topics.orderEvents, partition: meta?.partition ?? -1, offset: meta?.baseOffset ?? '' };
  }
  return { publishOrderEvent };
}

export type EventPublishingActivities = ReturnType<typeof createEventPublishingActivities>;
