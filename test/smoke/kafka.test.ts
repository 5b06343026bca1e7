import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { loadConfig } from '../../platform/config';
import { createIdempotentProducer, createKafka, ensureTopics } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';

const config = loadConfig();
const kafka: Kafka = createKafka(config, createLogger(config, 'test'), 'smoke');

describe('Kafka broker (real)', () => {
  it('reads back exactly the produced message, key and headers in another consumer group', async () => {
    const topic = `smoke-${randomUUID()}`;
    await ensureTopics(kafka, config, [topic]);
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const value = JSON.stringify({ hello: 'kafka', at: Date.now() });
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: 'order-1', value, headers: { 'ce-type': 'smoke' } }],
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key?: string; value?: string; header?: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          resolve({
            key: message.key?.toString(),
            value: message.value?.toString(),
            header: message.headers?.['ce-type']?.toString(),
          });
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(received).toEqual({ key: 'order-1', value, header: 'smoke' });
  });
});
