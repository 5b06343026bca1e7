import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { KafkaJSProtocolError } from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { topics } from '../../contracts/topics';
import { loadConfig } from '../../platform/config';
import type { AppConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { closeLingeringSockets, createKafka, ensureTopics } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { writeToOutbox } from '../../platform/outbox';
import { createOutboxRelay, outboxLag } from '../../workers/outbox-relay';
import type { OutboxRelay } from '../../workers/outbox-relay';
import { uniqueOrderId } from '../support/catalog';
import { TopicCollector } from '../support/topic-collector';
import { arrivalBySubject, oneTo, sampleEvent, writeInterleaved } from './outbox-support';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const base = loadConfig();
const config: AppConfig = { ...base, outbox: { ...base.outbox, pollIntervalMs: 200 } };
const logger = createLogger({ log: { level: 'warn', format: 'json' } }, 'test');
const pool = createPool(config);
const kafka = createKafka(config, logger, 'test-relay');
let collector: TopicCollector;
const stoppers: (() => Promise<unknown>)[] = [];

/** An in-process relay (with its own producer), as a bridge process has. */
async function startRelay(): Promise<OutboxRelay> {
  const relay = createOutboxRelay({ config, kafka, logger });
  await relay.start();
  stoppers.push(() => relay.stop());
  return relay;
}

async function until(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const drained = async () => (await outboxLag(pool)).pending === 0;

beforeAll(async () => {
  await migrate(pool);
  await ensureTopics(kafka, config, Object.values(topics));
  collector = new TopicCollector(kafka, topics.orderEvents);
  await collector.start();
});
afterAll(async () => {
  await collector.stop();
  closeLingeringSockets(kafka);
  await pool.end();
});
afterEach(async () => {
  await Promise.all(stoppers.splice(0).map((stop) => stop()));
});

describe('the outbox relay', () => {
  it('lets one of two relays publish, hands over when it stops, and never reorders an order', async () => {
    const [a, b] = [await startRelay(), await startRelay()];
    await until(() => a.isLeader() || b.isLeader(), 'a leader');
    let both = false;
    const watch = setInterval(() => (both ||= a.isLeader() && b.isLeader()), 5);

    const orders = oneTo(12).map(() => uniqueOrderId('relay'));
    const writing = writeInterleaved(pool, orders, 15);
    // Stop the leader while events are being written: the standby takes over mid-stream.
    await until(() => a.published() + b.published() > 30, 'the first events published');
    const leader = a.isLeader() ? a : b;
    const standby = leader === a ? b : a;
    await leader.stop();
    await writing;
    await until(() => standby.isLeader(), 'the standby to take over');
    await until(drained, 'the outbox to drain');
    clearInterval(watch);

    await collector.waitUntil(
      () => arrivalBySubject(collector.all(), new Set(orders)).unique === orders.length * 15,
      () => `all ${orders.length * 15} events on Kafka`,
    );
    const { arrival, conflicting } = arrivalBySubject(collector.all(), new Set(orders));
    for (const order of orders) expect(arrival.get(order)).toEqual(oneTo(15));
    expect(conflicting).toBe(0);
    expect(both).toBe(false);
    expect(standby.published()).toBeGreaterThan(0);
  });

  it('publishes with a new producer once the broker has forgotten the old one (killed and restarted mid-write)', async () => {
    // The first producer gets what a broker restarted after kill -9 answered every later send of a
    // session whose last batch it never appended; only a new producer session gets through.
    let made = 0;
    const forgetful = {
      producer: (options: Parameters<Kafka['producer']>[0]) => {
        const real = kafka.producer(options);
        if (++made > 1) return real;
        const refused = Object.assign(new Error('The broker received an out of order sequence number'), {
          type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
          code: 45,
          retriable: false,
        });
        return Object.assign(real, { sendBatch: () => Promise.reject(new KafkaJSProtocolError(refused)) });
      },
      // The relay reads partition counts to place each event (workers/event-placement.ts).
      admin: () => kafka.admin(),
    } as unknown as Kafka;
    const relay = createOutboxRelay({ config, kafka: forgetful, logger });
    await relay.start();
    stoppers.push(() => relay.stop());
    const order = uniqueOrderId('forgotten');
    await writeToOutbox(
      pool,
      oneTo(5).map((s) => sampleEvent(order, s)),
    );
    await collector.waitUntil(
      () => arrivalBySubject(collector.all(), new Set([order])).unique === 5,
      () => 'the events sent with the new producer',
    );
    expect(arrivalBySubject(collector.all(), new Set([order])).arrival.get(order)).toEqual(oneTo(5));
    expect(made).toBe(2);
  });

  it('publishes a row committed late with a lower position than rows already published', async () => {
    const relay = await startRelay();
    await until(() => relay.isLeader(), 'the relay to lead');
    const [late, early] = [uniqueOrderId('late'), uniqueOrderId('early')];
    const slow = await pool.connect();
    try {
      await slow.query('BEGIN');
      await writeToOutbox(slow, [sampleEvent(late, 1)]); // takes its position now, commits later
      await writeToOutbox(pool, [sampleEvent(early, 1)]);
      await collector.waitFor((m) => m.key === early, 'the early event');
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    await collector.waitFor((m) => m.key === late, 'the event committed late');
  });

  it('loses nothing when the relay process is killed mid-stream; the next relay repeats only the same ids', async () => {
    const orders = oneTo(40).map(() => uniqueOrderId('kill'));
    for (const order of orders)
      await writeToOutbox(
        pool,
        oneTo(100).map((s) => sampleEvent(order, s)),
      );
    const total = orders.length * 100;

    const bridge = startBridgeProcess();
    await until(async () => (await outboxLag(pool)).pending < total - 200, 'the bridge to publish');
    bridge.kill('SIGKILL');
    await new Promise((resolve) => bridge.once('exit', resolve));
    const pendingAtKill = (await outboxLag(pool)).pending;
    expect(pendingAtKill).toBeGreaterThan(0);

    await startRelay();
    await until(drained, 'the outbox to drain after the kill');
    await collector.waitUntil(
      () => arrivalBySubject(collector.all(), new Set(orders)).unique === total,
      () => `all ${total} events on Kafka`,
    );
    const { arrival, conflicting } = arrivalBySubject(collector.all(), new Set(orders));
    for (const order of orders) expect(arrival.get(order)).toEqual(oneTo(100));
    expect(conflicting).toBe(0);
  });
});

/** The real bridge worker entry point as its own process, with small batches so the kill lands mid-stream. */
function startBridgeProcess(): ChildProcess {
  const suffix = randomUUID().slice(0, 8);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'workers/bridge-worker-main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        BRIDGE_TASK_QUEUE: `relay-test-${suffix}`,
        KAFKA_COMMANDS_GROUP_ID: `relay-test-${suffix}`,
        BRIDGE_METRICS_PORT: '0',
        OUTBOX_BATCH_SIZE: '50',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  stoppers.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return Promise.resolve();
  });
  return child;
}
