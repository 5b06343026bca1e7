import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DeadLetter } from '../../contracts/commands';
import type { OrderCommand } from '../../contracts/commands';
import { topics } from '../../contracts/topics';
import { SagaNotStartedError, dispose } from '../../workers/command-consumer';
import { idempotencyKey, orderBody, startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { sagaOf } from './orders-support';
import { seedProduct, uniqueSku } from '../support/catalog';
import type { CollectedMessage } from '../support/topic-collector';
import { TopicCollector } from '../support/topic-collector';

jest.setTimeout(120_000);

let api: ApiHarness;
let deadLetters: TopicCollector;

beforeAll(async () => {
  api = await startApiHarness();
  deadLetters = new TopicCollector(api.saga.kafka, topics.orderCommandsDeadLetter);
  await deadLetters.start();
});
afterAll(async () => {
  await deadLetters?.stop();
  await api?.stop();
});

async function send(key: string, value: string) {
  const [meta] = await api.producer.send({
    topic: topics.orderCommands,
    acks: -1,
    messages: [{ key, value }],
  });
  return { partition: meta?.partition ?? -1, offset: meta?.baseOffset ?? '-1' };
}

const command = (c: OrderCommand) => JSON.stringify(c);

/** Submits a first order of 600.00 EUR through the API: the fraud check holds it for review. */
async function heldOrder(): Promise<string> {
  const sku = uniqueSku('CMD');
  await seedProduct(api.saga.pool, sku, 60_000, 3);
  const res = await api
    .http()
    .post('/v1/orders')
    .set('X-API-Key', testKeys.storefront)
    .set('Idempotency-Key', idempotencyKey())
    .send(orderBody([{ sku, quantity: 1 }]));
  const orderId = (res.body as { orderId: string }).orderId;
  await api.saga.events.waitForType(orderId, 'order.review_required');
  return orderId;
}

function deadLetterBody(message: CollectedMessage): DeadLetter {
  return DeadLetter.parse(JSON.parse(message.value));
}

describe('order commands on Kafka', () => {
  it('applies a review decision sent on Kafka: the held order is confirmed', async () => {
    const orderId = await heldOrder();
    await send(
      orderId,
      command({
        commandId: `cmd-${randomUUID()}`,
        type: 'order.review.decide',
        orderId,
        payload: { decision: 'approve', reviewer: 'n8n', note: 'approved by the review flow' },
      }),
    );
    const result = await (await sagaOf(api, orderId)).result();
    expect(result).toMatchObject({ orderId, status: 'confirmed' });
    const events = await api.saga.events.waitForType(orderId, 'order.review_decided');
    expect(events.find((e) => e.type === 'order.review_decided')?.data).toEqual({
      orderId,
      decision: 'approve',
      reviewer: 'n8n',
      note: 'approved by the review flow',
      timedOut: false,
    });
  });

  it('dead-letters a malformed message with the reason, commits past it, and applies the next command', async () => {
    const orderId = await heldOrder();
    const marker = `not json ${randomUUID()}`;
    await send(orderId, `{${marker}`);
    const valid = await send(
      orderId,
      command({
        commandId: `cmd-${randomUUID()}`,
        type: 'order.cancel',
        orderId,
        payload: { reason: 'customer called', requestedBy: 'support-desk' },
      }),
    );

    const letter = await deadLetters.waitFor((m) => m.value.includes(marker), 'the malformed message');
    expect(letter.key).toBe(orderId);
    expect(letter.headers).toMatchObject({
      'x-dead-letter-code': 'malformed_json',
      'x-dead-letter-reason': 'the message is not valid JSON',
      'x-dead-letter-source-topic': topics.orderCommands,
    });
    expect(deadLetterBody(letter)).toEqual({
      code: 'malformed_json',
      reason: 'the message is not valid JSON',
      failedAt: expect.any(String) as string,
      source: {
        topic: topics.orderCommands,
        partition: valid.partition,
        offset: String(BigInt(valid.offset) - 1n),
        key: orderId,
      },
      raw: `{${marker}`,
    });

    const result = await (await sagaOf(api, orderId)).result();
    expect(result).toMatchObject({ status: 'cancelled', reason: 'customer called' });

    // The group's committed offset moves past the applied command once Temporal has answered.
    const admin = api.saga.kafka.admin();
    await admin.connect();
    try {
      const expected = String(BigInt(valid.offset) + 1n);
      const deadline = Date.now() + 20_000;
      let committed = '';
      while (committed !== expected && Date.now() < deadline) {
        const [offsets] = await admin.fetchOffsets({
          groupId: api.config.kafka.commandsGroupId,
          topics: [topics.orderCommands],
        });
        committed = offsets?.partitions.find((p) => p.partition === valid.partition)?.offset ?? '';
        if (committed !== expected) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(committed).toBe(expected);
    } finally {
      await admin.disconnect();
    }
  });

  it('dead-letters a command that breaks the schema, naming what is wrong', async () => {
    const commandId = `cmd-${randomUUID()}`;
    await send('ord-x', JSON.stringify({ commandId, type: 'order.ship', orderId: 'ord-x', payload: {} }));
    const letter = await deadLetters.waitFor((m) => m.value.includes(commandId), 'the invalid command');
    expect(letter.headers['x-dead-letter-code']).toBe('invalid_command');
    expect(deadLetterBody(letter)).toMatchObject({
      code: 'invalid_command',
      commandId,
      command: { commandId, type: 'order.ship', orderId: 'ord-x', payload: {} },
    });
    expect(deadLetterBody(letter).reason).toContain('type');
  });

  it('dead-letters a command for an order that does not exist', async () => {
    const commandId = `cmd-${randomUUID()}`;
    const orderId = `ord-missing-${randomUUID().slice(0, 8)}`;
    await send(
      orderId,
      command({ commandId, type: 'order.cancel', orderId, payload: { reason: 'x', requestedBy: 'n8n' } }),
    );
    const letter = await deadLetters.waitFor((m) => m.value.includes(commandId), 'the unknown-order command');
    expect(deadLetterBody(letter)).toMatchObject({
      code: 'order_not_found',
      reason: `order ${orderId} does not exist`,
      commandId,
    });
  });

  it('dead-letters a command for an order that has ended, naming its final status', async () => {
    const orderId = await heldOrder();
    await (
      await sagaOf(api, orderId)
    ).executeUpdate('cancel', { args: [{ reason: 'closed first', requestedBy: 'test' }] });
    await (await sagaOf(api, orderId)).result();
    const commandId = `cmd-${randomUUID()}`;
    await send(
      orderId,
      command({
        commandId,
        type: 'order.review.decide',
        orderId,
        payload: { decision: 'approve', reviewer: 'n8n' },
      }),
    );
    const letter = await deadLetters.waitFor((m) => m.value.includes(commandId), 'the late command');
    expect(letter.headers['x-dead-letter-code']).toBe('order_closed');
    expect(deadLetterBody(letter)).toMatchObject({
      code: 'order_closed',
      reason: `order ${orderId} has already ended as cancelled`,
    });
  });

  it('applies a redelivered command once (its id is the update id)', async () => {
    const orderId = await heldOrder();
    const decision = command({
      commandId: `cmd-${randomUUID()}`,
      type: 'order.review.decide',
      orderId,
      payload: { decision: 'reject', reviewer: 'n8n' },
    });
    await send(orderId, decision);
    await send(orderId, decision);
    await (await sagaOf(api, orderId)).result();
    const events = await api.saga.events.waitForType(orderId, 'order.rejected');
    expect(events.filter((e) => e.type === 'order.review_decided')).toHaveLength(1);
  });
});

describe('command disposition (unit, with fakes)', () => {
  const valid = Buffer.from(
    command({
      commandId: 'c-1',
      type: 'order.cancel',
      orderId: 'ord-1',
      payload: { reason: 'r', requestedBy: 'n8n' },
    }),
  );
  const noStatus = () => Promise.resolve(undefined);
  const notQueued = () => Promise.resolve(false);

  it("dead-letters a command the saga's validator refuses, with the validator's reason", async () => {
    const refuse = () =>
      Promise.reject(
        new WorkflowUpdateFailedError(
          'Workflow Update failed',
          ApplicationFailure.create({ message: 'order ord-1 is confirming and can no longer be cancelled' }),
        ),
      );
    await expect(dispose(valid, refuse, noStatus, notQueued)).resolves.toMatchObject({
      kind: 'dead-letter',
      code: 'refused',
      reason: 'order ord-1 is confirming and can no longer be cancelled',
    });
  });

  it('rethrows a transient failure so the message is retried and its offset not committed', async () => {
    const outage = new Error('14 UNAVAILABLE: connection refused');
    await expect(dispose(valid, () => Promise.reject(outage), noStatus, notQueued)).rejects.toBe(outage);
  });

  it('reports an applied command', async () => {
    await expect(dispose(valid, () => Promise.resolve(), noStatus, notQueued)).resolves.toMatchObject({
      kind: 'applied',
      command: { commandId: 'c-1', type: 'order.cancel' },
    });
  });

  it('tells a missing order from an ended one', async () => {
    const missing = () =>
      Promise.reject(
        new WorkflowNotFoundError('workflow not found for ID: order-ord-1', 'order-ord-1', undefined),
      );
    await expect(dispose(valid, missing, noStatus, notQueued)).resolves.toMatchObject({
      code: 'order_not_found',
    });
    const ended = () =>
      Promise.reject(
        new WorkflowNotFoundError('workflow execution already completed', 'order-ord-1', undefined),
      );
    await expect(dispose(valid, ended, () => Promise.resolve('confirmed'), notQueued)).resolves.toMatchObject(
      {
        code: 'order_closed',
        reason: 'order ord-1 has already ended as confirmed',
      },
    );
  });

  it('retries, never dead-letters, a command for an accepted order whose saga has not started yet', async () => {
    const missing = () =>
      Promise.reject(
        new WorkflowNotFoundError('workflow not found for ID: order-ord-1', 'order-ord-1', undefined),
      );
    await expect(dispose(valid, missing, noStatus, () => Promise.resolve(true))).rejects.toBeInstanceOf(
      SagaNotStartedError,
    );
  });
});
