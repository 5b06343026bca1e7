import { randomUUID } from 'node:crypto';
import type { OrderCommand } from '../../contracts/commands';
import { Problem } from '../../contracts/http-problem';
import type { KafkaPlacement, OrderTimeline, TimelineEntry } from '../../contracts/http-timeline';
import { topics } from '../../contracts/topics';
import { orderWorkflowId } from '../../workflows/messages';
import { idempotencyKey, startApiHarness, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { uniqueOrderId } from '../support/catalog';
import {
  allPublished,
  eventEntries,
  placementsOnKafka,
  readTimeline,
  submitHeldPaidOrder,
  timelineWhen,
} from './timeline-support';

jest.setTimeout(120_000);

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.stop();
});

const titles = (t: OrderTimeline) => t.entries.map((e) => e.title);
const indexOf = (t: OrderTimeline, match: (e: TimelineEntry) => boolean, what: string): number => {
  const index = t.entries.findIndex(match);
  if (index < 0) throw new Error(`no ${what} on the timeline:\n  ${titles(t).join('\n  ')}`);
  return index;
};
const settled = (t: OrderTimeline) =>
  allPublished(t) &&
  eventEntries(t).some((e) => e.details.type === 'order.cancelled') &&
  t.entries.some((e) => e.title.startsWith('Saga completed'));

function cancelOverHttp(orderId: string, key: string) {
  return api
    .http()
    .post(`/v1/orders/${orderId}/cancel`)
    .set('X-API-Key', testKeys.operator)
    .set('Idempotency-Key', key)
    .send({ reason: 'customer changed their mind', requestedBy: 'support-desk' });
}

describe('the order timeline', () => {
  let orderId: string;
  let timeline: OrderTimeline;

  beforeAll(async () => {
    orderId = await submitHeldPaidOrder(api);
    const key = idempotencyKey();
    await cancelOverHttp(orderId, key).expect(200);
    // A retried cancellation with the same key is the same command: recorded once.
    await cancelOverHttp(orderId, key).expect(200);
    // A review decision after the end is refused, and recorded with the reason.
    await api
      .http()
      .post(`/v1/orders/${orderId}/review`)
      .set('X-API-Key', testKeys.operator)
      .send({ decision: 'approve', reviewer: 'late-reviewer' })
      .expect(409);
    timeline = await timelineWhen(api, orderId, settled, 'the cancellation, published');
  });

  it('shows the commands, the saga and its compensation, and the events in time order', () => {
    expect(timeline).toMatchObject({ orderId, workflowId: orderWorkflowId(orderId) });
    const times = timeline.entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const submitted = indexOf(
      timeline,
      (e) => e.source === 'command' && e.details.kind === 'submit',
      'submission',
    );
    const started = indexOf(timeline, (e) => e.title === 'Saga started', 'saga start');
    const cancel = indexOf(
      timeline,
      (e) => e.source === 'command' && e.details.kind === 'cancel' && e.details.outcome === 'applied',
      'applied cancellation',
    );
    const accepted = indexOf(timeline, (e) => e.title === 'Update cancel accepted', 'accepted cancel update');
    const released = indexOf(
      timeline,
      (e) => e.source === 'workflow' && e.details.activity === 'releaseInventory' && e.compensation,
      'compensating release',
    );
    const voided = indexOf(
      timeline,
      (e) => e.source === 'workflow' && e.details.activity === 'voidPayment' && e.compensation,
      'compensating void',
    );
    const cancelledEvent = indexOf(
      timeline,
      (e) => e.source === 'event' && e.details.type === 'order.cancelled',
      'order.cancelled event',
    );
    const completed = indexOf(timeline, (e) => e.title === 'Saga completed: cancelled', 'saga end');
    expect(submitted).toBeLessThan(started);
    expect(started).toBeLessThan(cancel);
    expect(cancel).toBeLessThan(accepted);
    // The payment was authorized last, so its void runs first (compensations run newest first).
    expect(accepted).toBeLessThan(voided);
    expect(voided).toBeLessThan(released);
    expect(released).toBeLessThan(cancelledEvent);
    expect(cancelledEvent).toBeLessThan(completed);

    const compensatingEvents = eventEntries(timeline)
      .filter((e) => e.compensation)
      .map((e) => e.details.type);
    expect(compensatingEvents).toEqual(['payment.voided', 'inventory.released']);
    expect(timeline.entries.find((e) => e.title.startsWith('Status: cancelled'))).toBeDefined();
  });

  it('records each HTTP command once, with its key, actor, outcome and request id', () => {
    const commands = timeline.entries.filter((e) => e.source === 'command');
    expect(commands.map((e) => e.source === 'command' && [e.details.kind, e.details.outcome])).toEqual([
      ['submit', 'applied'],
      ['cancel', 'applied'],
      ['review_decision', 'refused'],
    ]);
    expect(commands[1]).toMatchObject({
      details: {
        channel: 'http',
        actor: 'support-desk',
        apiKey: 'ops',
        request: { reason: 'customer changed their mind', requestedBy: 'support-desk' },
        requestId: expect.any(String) as string,
      },
    });
    expect(commands[2]).toMatchObject({
      details: { actor: 'late-reviewer', reason: expect.stringContaining('cancelled') as string },
    });
  });

  it('gives each event the partition and offset a Kafka consumer reads it at', async () => {
    const events = eventEntries(timeline);
    expect(events.length).toBeGreaterThanOrEqual(6);
    const recorded = new Map<string, KafkaPlacement>(
      events.map((e) => [e.details.eventId, e.details.kafka!]),
    );
    for (const placement of recorded.values()) expect(placement.topic).toBe(topics.orderEvents);
    const read = await placementsOnKafka(api.saga.kafka, topics.orderEvents, recorded);
    expect(Object.fromEntries(read)).toEqual(Object.fromEntries(recorded));
    // One order's events share a partition, at rising offsets in sequence order.
    const offsets = events.map((e) => BigInt(e.details.kafka!.offset));
    expect(new Set(events.map((e) => e.details.kafka!.partition)).size).toBe(1);
    expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('links to the saga in the Temporal UI and to the mail inbox', () => {
    expect(timeline.links.temporalUi).toBe(
      `${api.config.temporal.uiUrl}/namespaces/${api.config.temporal.namespace}/workflows/${orderWorkflowId(orderId)}/${timeline.runId}/history`,
    );
    expect(timeline.links.mailInbox).toBe(api.config.mail.inboxUrl);
  });
});

describe('commands sent on Kafka', () => {
  it('show on the timeline with the partition and offset they were read from, once per command id', async () => {
    const orderId = await submitHeldPaidOrder(api);
    const command: OrderCommand = {
      commandId: `cmd-${randomUUID()}`,
      type: 'order.review.decide',
      orderId,
      payload: { decision: 'approve', reviewer: 'n8n', note: 'looks fine' },
    };
    const send = async () => {
      const [meta] = await api.producer.send({
        topic: topics.orderCommands,
        acks: -1,
        messages: [{ key: orderId, value: JSON.stringify(command) }],
      });
      return { topic: topics.orderCommands, partition: meta!.partition, offset: meta!.baseOffset! };
    };
    const first = await send();
    await api.saga.client.workflow.getHandle(orderWorkflowId(orderId)).result();
    // The same command again (a redelivery): it applies once and is recorded once.
    const again = await send();
    const kafkaCommands = (t: OrderTimeline) =>
      t.entries.filter((e) => e.source === 'command' && e.details.channel === 'kafka');
    const timeline = await timelineWhen(
      api,
      orderId,
      (t) =>
        kafkaCommands(t).length > 0 && t.entries.some((e) => e.title === 'Update decideReview completed'),
      'the Kafka review decision',
    );
    // Give the consumer time to handle the redelivery before checking it was not recorded again.
    await waitForCommittedOffset(again);
    const settledTimeline = await readTimeline(api, orderId);
    expect(kafkaCommands(settledTimeline)).toEqual(kafkaCommands(timeline));
    expect(kafkaCommands(timeline)).toEqual([
      expect.objectContaining({
        source: 'command',
        title: 'Review decision (approve) via Kafka by n8n: applied',
        details: expect.objectContaining({
          commandId: `kafka:${command.commandId}`,
          kind: 'review_decision',
          actor: 'n8n',
          outcome: 'applied',
          kafka: first,
          request: { decision: 'approve', reviewer: 'n8n', note: 'looks fine' },
        }) as unknown,
      }),
    ]);
    const update = timeline.entries.find((e) => e.title === 'Update decideReview accepted');
    expect(update).toMatchObject({ details: { updateId: command.commandId } });
  });
});

async function waitForCommittedOffset(sent: KafkaPlacement): Promise<void> {
  const admin = api.saga.kafka.admin();
  await admin.connect();
  try {
    const expected = String(BigInt(sent.offset) + 1n);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [offsets] = await admin.fetchOffsets({
        groupId: api.config.kafka.commandsGroupId,
        topics: [sent.topic],
      });
      if (offsets?.partitions.find((p) => p.partition === sent.partition)?.offset === expected) return;
      if (Date.now() > deadline) throw new Error(`the command at ${sent.offset} was not committed`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

describe('timeline requests that cannot be answered', () => {
  it('answers 404 order_not_found for an order that does not exist', async () => {
    const orderId = uniqueOrderId('nobody');
    const res = await api
      .http()
      .get(`/v1/orders/${orderId}/timeline`)
      .set('X-API-Key', testKeys.operator)
      .expect(404);
    expect(Problem.parse(res.body)).toMatchObject({ code: 'order_not_found', orderId });
  });

  it('answers 403 to a storefront key: the timeline is for operators', async () => {
    const res = await api
      .http()
      .get(`/v1/orders/${uniqueOrderId()}/timeline`)
      .set('X-API-Key', testKeys.storefront)
      .expect(403);
    expect(Problem.parse(res.body)).toMatchObject({ code: 'forbidden', requiredRoles: ['operator'] });
  });

  it('answers 400 for an order id that cannot be one', async () => {
    const res = await api
      .http()
      .get('/v1/orders/%24%24/timeline')
      .set('X-API-Key', testKeys.operator)
      .expect(400);
    expect(Problem.parse(res.body)).toMatchObject({ code: 'validation_failed' });
  });
});
