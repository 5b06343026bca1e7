/**
 * The workflows in n8n/ against the real n8n of the local stack, fed by real sagas (Temporal, Kafka,
 * PostgreSQL): each test waits on events (Kafka messages, the HTTP calls the stack's webhook inbox
 * recorded, n8n's execution records), never on fixed sleeps, and a failure names the n8n executions that
 * handled (or failed to handle) the order.
 * Each workflow reads only the narrow topic of its event types, which the outbox relay writes besides the
 * full stream; events these tests produce themselves go to the same topics (`publishLikeRelay`).
 */
import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import type { Producer } from 'kafkajs';
import { EVENT_SOURCE, orderEventId } from '../../contracts/events';
import type { OrderEvent } from '../../contracts/events';
import { topics, topicsForOrderEvent } from '../../contracts/topics';
import { cancelUpdate, orderWorkflowId } from '../../workflows/messages';
import { pricedOrder, seedProduct, uniqueSku } from '../support/catalog';
import {
  CommandReader,
  HookReceiver,
  N8nExecutions,
  executedNodes,
  n8nWorkflows,
  publishLikeRelay,
  shippedWorkflows,
  upN8n,
} from '../support/n8n';
import type { HookCall } from '../support/n8n';
import { startSagaHarness } from '../support/saga-harness';
import type { SagaHarness } from '../support/saga-harness';

jest.setTimeout(180_000);

/** Auto-approval is off by default; these tests turn it on (for held orders under 1000.00 EUR). */
const AUTO_APPROVE_LIMIT_MINOR = 100_000;
const REVIEWER = 'n8n-fraud-review-desk';

let h: SagaHarness;
let hooks: HookReceiver;
let commands: CommandReader;
let n8n: N8nExecutions;
let producer: Producer;
let n8nChanged = false;

async function productWithStock(available: number, priceMinor: number): Promise<string> {
  const sku = uniqueSku('N8N');
  await seedProduct(h.pool, sku, priceMinor, available);
  return sku;
}

function eventOf<T extends OrderEvent['type']>(
  events: OrderEvent[],
  type: T,
): Extract<OrderEvent, { type: T }> {
  const event = events.find((e) => e.type === type);
  if (!event) throw new Error(`no ${type} event among ${events.map((e) => e.type).join(', ')}`);
  return event as Extract<OrderEvent, { type: T }>;
}

/** Publishes the same event (same id, same key) again, to the same topics, as a redelivery would. */
function redeliver(event: OrderEvent): Promise<void> {
  return publishLikeRelay(producer, event);
}

function latency(label: string, fromIso: string, toMs: number): number {
  const ms = toMs - Date.parse(fromIso);
  console.log(`[n8n latency] ${label}: ${ms} ms`);
  return ms;
}

const forOrder =
  (hookPath: string, orderId: string) =>
  (call: HookCall): boolean =>
    call.path === hookPath && (call.body as { orderId?: unknown } | null)?.orderId === orderId;

describe('the shipped workflows', () => {
  it('each reads exactly the narrow topic of the event types its filter accepts, not the full stream', () => {
    const workflows = shippedWorkflows();
    expect(workflows.map((w) => w.id).sort()).toEqual(Object.values(n8nWorkflows).sort());
    // One line per workflow, so a failure shows which file reads what instead of what it should.
    const reads = workflows.map((w) => ({
      file: w.file,
      accepts: w.acceptedEventTypes,
      reads: w.triggerTopics,
    }));
    const shouldRead = workflows.map((w) => ({
      file: w.file,
      accepts: w.acceptedEventTypes,
      reads: [
        ...new Set(
          w.acceptedEventTypes.flatMap((type): readonly string[] => {
            // The narrow topics of an order event, or the group-deal topic of a group event.
            const narrow = topicsForOrderEvent(type).filter((t) => t !== topics.orderEvents);
            return narrow.length > 0 ? narrow : [`(no narrow topic for ${type})`];
          }),
        ),
      ],
    }));
    expect(reads).toEqual(shouldRead);
  });

  it('run one execution at a time where a step remembers event ids, so no id is lost to a concurrent rewrite', () => {
    // n8n reads and rewrites the remembered ids as one list per execution: overlapping executions lose
    // each other's ids (measured: a tenth to a third of them while draining with 3 partitions at a time).
    const concurrency = shippedWorkflows()
      .filter((w) => w.remembersAcrossExecutions)
      .map((w) => ({ file: w.file, partitionsAtOnce: w.triggerConcurrency }));
    expect(concurrency.length).toBeGreaterThan(0);
    expect(concurrency).toEqual(
      concurrency.map((w) => ({ ...w, partitionsAtOnce: w.partitionsAtOnce.map(() => 1) })),
    );
  });
});

describe('the workflows on the real n8n', () => {
  beforeAll(async () => {
    // Restarts n8n when its running settings differ (it re-imports the workflows then).
    await upN8n({ REVIEW_AUTO_APPROVE_LIMIT_MINOR: String(AUTO_APPROVE_LIMIT_MINOR) });
    n8nChanged = true;
    n8n = new N8nExecutions();
    // The stack's webhook inbox, where the workflows' default URLs point; only calls from now on count.
    hooks = new HookReceiver();
    await hooks.start();
    h = await startSagaHarness({
      // The thresholds the held orders below are built for: a first order from 500.00 EUR is held.
      configure: (c) => ({ ...c, fraud: { ...c.fraud, highAmountMinor: 50_000, reviewScore: 50 } }),
    });
    commands = new CommandReader(h.kafka);
    await commands.start();
    // The bridge's partitioner, so a redelivered event lands on its order's partition as it would for real.
    producer = h.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }, 300_000);

  afterAll(async () => {
    await producer?.disconnect();
    await commands?.stop();
    await h?.stop();
    await hooks?.stop();
    // Back to the settings of this environment (auto-approval off unless set), so later tests and a
    // running `npm start` are not decided by n8n.
    if (n8nChanged) await upN8n();
  }, 300_000);

  describe('fraud review desk (n8n → commands topic → saga)', () => {
    it('approves a held first order under the limit; the saga applies the command and confirms the order', async () => {
      const sku = await productWithStock(3, 60_000);
      const order = pricedOrder([{ sku, quantity: 1, unitPriceMinor: 60_000 }]);
      const handle = await h.startOrder(order);
      const held = eventOf(
        await h.events.waitForType(order.orderId, 'order.review_required'),
        'order.review_required',
      );
      expect(held.data.reasons.map((r) => r.code).sort()).toEqual(['first_order', 'high_amount']);
      const explain = () => n8n.explain(n8nWorkflows.fraudReviewDesk, order.orderId);

      const [command] = await commands.waitFor(order.orderId, 1, 60_000, explain);
      expect(command).toEqual({
        commandId: `n8n-review:${held.id}`,
        type: 'order.review.decide',
        orderId: order.orderId,
        payload: {
          decision: 'approve',
          reviewer: REVIEWER,
          note: expect.stringMatching(
            /reasons (first_order, high_amount|high_amount, first_order); total 600\.00 EUR is under the limit 1000\.00 EUR/,
          ) as unknown,
        },
      });
      const sent = commands.forOrder(order.orderId)[0];
      if (sent)
        latency('order.review_required → approve command on the commands topic', held.time, sent.timestamp);

      const events = await h.events
        .waitForType(order.orderId, 'order.confirmed', 60_000)
        .catch(async (err: unknown) => {
          throw new Error(`${String(err)}\n${await explain()}`);
        });
      expect(eventOf(events, 'order.review_decided').data).toEqual({
        orderId: order.orderId,
        decision: 'approve',
        reviewer: REVIEWER,
        note: command?.type === 'order.review.decide' ? command.payload.note : undefined,
        timedOut: false,
      });
      expect(await handle.result()).toMatchObject({ status: 'confirmed' });

      // A redelivered event yields the very same command (same commandId, the saga's update id).
      await redeliver(held);
      const both = await commands.waitFor(order.orderId, 2, 60_000, explain);
      expect(both[1]).toEqual(both[0]);
    });

    it('leaves a held order above the limit for a human: no command is sent', async () => {
      const sku = await productWithStock(2, 60_000);
      const order = pricedOrder([{ sku, quantity: 2, unitPriceMinor: 60_000 }]);
      const handle = await h.startOrder(order);
      const held = eventOf(
        await h.events.waitForType(order.orderId, 'order.review_required'),
        'order.review_required',
      );
      expect(held.data.totalMinor).toBeGreaterThanOrEqual(AUTO_APPROVE_LIMIT_MINOR);

      // n8n records the execution that handled the event: wait for it, then nothing may have been sent.
      const [execution] = await n8n.waitForEvent(n8nWorkflows.fraudReviewDesk, held, 1, 60_000);
      expect(execution?.status).toBe('success');
      expect(executedNodes(execution!)).toContain('Leave for a human reviewer');
      expect(executedNodes(execution!)).not.toContain('Send to the commands topic');
      expect(commands.forOrder(order.orderId)).toEqual([]);

      await handle.executeUpdate(cancelUpdate, {
        args: [{ reason: 'n8n test clean-up', requestedBy: 'test' }],
      });
    });
  });

  describe('order notifications (n8n → webhook)', () => {
    const hookPath = '/order-notifications';

    it('calls the webhook once for a confirmed order, also when the event is delivered twice', async () => {
      const sku = await productWithStock(10, 1_000);
      const order = pricedOrder([{ sku, quantity: 3, unitPriceMinor: 1_000 }]);
      await h.startOrder(order);
      const confirmed = eventOf(
        await h.events.waitForType(order.orderId, 'order.confirmed'),
        'order.confirmed',
      );
      const explain = () => n8n.explain(n8nWorkflows.orderNotifications, order.orderId);

      const call = await hooks.waitFor(
        forOrder(hookPath, order.orderId),
        'the order webhook',
        60_000,
        explain,
      );
      latency('order.confirmed → order webhook call', confirmed.time, call.receivedAt);
      expect(call.headers['content-type']).toMatch(/^application\/json/);
      expect(call.body).toEqual({
        text: `Order ${order.orderId} of customer ${order.customerId} is confirmed (total 30.00 EUR).`,
        orderId: order.orderId,
        customerId: order.customerId,
        total: '30.00 EUR',
        reason: null,
      });

      // The same event again: n8n handles it (a second execution) and its dedupe step stops it there.
      await redeliver(confirmed);
      const executions = await n8n.waitForEvent(n8nWorkflows.orderNotifications, confirmed, 2, 60_000);
      expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
      expect(await hooks.calls(forOrder(hookPath, order.orderId))).toHaveLength(1);
    });

    it('calls the webhook once for a cancelled order, naming the reason', async () => {
      const sku = await productWithStock(2, 60_000);
      // Above the auto-approval limit, so the order stays held until it is cancelled.
      const order = pricedOrder([{ sku, quantity: 2, unitPriceMinor: 60_000 }]);
      const handle = await h.startOrder(order);
      await h.events.waitForType(order.orderId, 'order.review_required');
      await handle.executeUpdate(cancelUpdate, {
        args: [{ reason: 'customer changed their mind', requestedBy: 'customer' }],
      });
      const cancelled = eventOf(
        await h.events.waitForType(order.orderId, 'order.cancelled'),
        'order.cancelled',
      );
      const explain = () => n8n.explain(n8nWorkflows.orderNotifications, order.orderId);

      const call = await hooks.waitFor(
        forOrder(hookPath, order.orderId),
        'the order webhook',
        60_000,
        explain,
      );
      latency('order.cancelled → order webhook call', cancelled.time, call.receivedAt);
      expect(call.body).toEqual({
        text: `Order ${order.orderId} of customer ${order.customerId} was cancelled (total 1200.00 EUR): customer changed their mind`,
        orderId: order.orderId,
        customerId: order.customerId,
        total: '1200.00 EUR',
        reason: 'customer changed their mind',
      });
      // Once n8n has finished the execution that made the call, no other call for the order can follow.
      const [execution] = await n8n.waitForEvent(n8nWorkflows.orderNotifications, cancelled, 1, 60_000);
      expect(execution?.status).toBe('success');
      expect(await hooks.calls(forOrder(hookPath, order.orderId))).toHaveLength(1);
    });
  });

  describe('order notifications on the order outcomes topic', () => {
    it('drops an order.rejected event, which shares the topic: no webhook call', async () => {
      // Produced here rather than by a saga: the rejection alone, as the relay writes it.
      const orderId = `ord-n8n-${randomUUID()}`;
      const rejected: OrderEvent = {
        specversion: '1.0',
        id: orderEventId(orderWorkflowId(orderId), 3),
        source: EVENT_SOURCE,
        type: 'order.rejected',
        subject: orderId,
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        sequence: 3,
        data: {
          orderId,
          customerId: 'c-n8n',
          totalMinor: 2_000,
          currency: 'EUR',
          code: 'insufficient_stock',
          reason: 'not enough stock',
        },
      };
      await publishLikeRelay(producer, rejected);

      const [execution] = await n8n.waitForEvent(n8nWorkflows.orderNotifications, rejected, 1, 60_000);
      expect(execution?.status).toBe('success');
      expect(executedNodes(execution!)).toEqual(['Order events', 'Confirmed or cancelled?']);
      expect(await hooks.calls(forOrder('/order-notifications', orderId))).toEqual([]);
    });
  });

  describe('stock alert (n8n → alert URL)', () => {
    it('names the short SKU when an order is rejected for insufficient stock', async () => {
      const plenty = await productWithStock(5, 1_000);
      const scarce = await productWithStock(1, 1_000);
      const order = pricedOrder([
        { sku: plenty, quantity: 2, unitPriceMinor: 1_000 },
        { sku: scarce, quantity: 2, unitPriceMinor: 1_000 },
      ]);
      await h.startOrder(order);
      const insufficient = eventOf(
        await h.events.waitForType(order.orderId, 'inventory.insufficient'),
        'inventory.insufficient',
      );
      const explain = () => n8n.explain(n8nWorkflows.stockAlert, order.orderId);

      const call = await hooks.waitFor(
        forOrder('/stock-alerts', order.orderId),
        'the stock alert',
        60_000,
        explain,
      );
      latency('inventory.insufficient → stock alert call', insufficient.time, call.receivedAt);
      expect(call.body).toEqual({
        text: `Stock alert: order ${order.orderId} was rejected, not enough stock for ${scarce} (requested 2, available 1).`,
        orderId: order.orderId,
        skus: [scarce],
        shortages: [{ sku: scarce, requested: 2, available: 1 }],
      });
      const [execution] = await n8n.waitForEvent(n8nWorkflows.stockAlert, insufficient, 1, 60_000);
      expect(execution?.status).toBe('success');
      expect(await hooks.calls(forOrder('/stock-alerts', order.orderId))).toHaveLength(1);
    });
  });
});
