/** Helpers of the order timeline tests: a held, paid order, timeline reads, and where Kafka has events. */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { OrderTimeline } from '../../contracts/http-timeline';
import type { KafkaPlacement, TimelineEntry } from '../../contracts/http-timeline';
import { idempotencyKey, orderBody, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { seedProduct, uniqueSku } from '../support/catalog';

/** Submits a first order of 600.00 EUR paid by card: the payment is authorized and fraud holds it for review. */
export async function submitHeldPaidOrder(api: ApiHarness): Promise<string> {
  const sku = uniqueSku('TL');
  await seedProduct(api.saga.pool, sku, 60_000, 3);
  const res = await api
    .http()
    .post('/v1/orders')
    .set('X-API-Key', testKeys.storefront)
    .set('Idempotency-Key', idempotencyKey())
    .send({ ...orderBody([{ sku, quantity: 1 }]), payment: { method: 'pm_card_visa' } })
    .expect(202);
  const orderId = (res.body as { orderId: string }).orderId;
  await api.saga.events.waitForType(orderId, 'order.review_required');
  return orderId;
}

export async function readTimeline(api: ApiHarness, orderId: string): Promise<OrderTimeline> {
  const res = await api
    .http()
    .get(`/v1/orders/${orderId}/timeline`)
    .set('X-API-Key', testKeys.operator)
    .expect(200);
  return OrderTimeline.parse(res.body);
}

/** Reads the timeline until `done` holds (the relay publishes and the saga settles asynchronously). */
export async function timelineWhen(
  api: ApiHarness,
  orderId: string,
  done: (timeline: OrderTimeline) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<OrderTimeline> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const timeline = await readTimeline(api, orderId);
    if (done(timeline)) return timeline;
    if (Date.now() > deadline) {
      const titles = timeline.entries.map((e) => `${e.source}: ${e.title}`).join('\n  ');
      throw new Error(`timed out waiting for ${what}; the timeline has:\n  ${titles}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export type EventEntry = Extract<TimelineEntry, { source: 'event' }>;
export const eventEntries = (t: OrderTimeline) =>
  t.entries.filter((e): e is EventEntry => e.source === 'event');
export const allPublished = (t: OrderTimeline) => eventEntries(t).every((e) => e.details.kafka !== undefined);

/**
 * Where a kafkajs consumer finds each of the given event ids (header `ce_id`) on `topic`, reading each
 * partition from the lowest offset the timeline named for it.
 */
export async function placementsOnKafka(
  kafka: Kafka,
  topic: string,
  expected: ReadonlyMap<string, KafkaPlacement>,
  timeoutMs = 30_000,
): Promise<Map<string, KafkaPlacement>> {
  const found = new Map<string, KafkaPlacement>();
  const consumer = kafka.consumer({ groupId: `test-timeline-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: false });
    let wake: () => void = () => undefined;
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        const id = message.headers?.ce_id?.toString();
        if (id && expected.has(id) && !found.has(id))
          found.set(id, { topic, partition, offset: message.offset });
        wake();
        return Promise.resolve();
      },
    });
    const from = new Map<number, bigint>();
    for (const p of expected.values()) {
      const offset = BigInt(p.offset);
      if (!from.has(p.partition) || offset < from.get(p.partition)!) from.set(p.partition, offset);
    }
    for (const [partition, offset] of from) consumer.seek({ topic, partition, offset: String(offset) });
    const deadline = Date.now() + timeoutMs;
    while (found.size < expected.size && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 250);
      });
    }
    return found;
  } finally {
    await consumer.disconnect();
  }
}
