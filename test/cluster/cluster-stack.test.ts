/**
 * The cluster profile of the local stack (docs/cluster.md), as it runs: `STACK_PROFILE=cluster bash
 * stack/up` must have brought it up first; this test starts nothing but the one broker it kills.
 * Not part of `npm test` (jest.config.js keeps test/cluster/ out of the stack tier): `npm run test:cluster`
 * runs it under its own Jest config (stack/cluster/jest.config.json) once the profile is up, before the
 * cluster fault run.
 *
 * It checks what makes the profile production-shaped: two Temporal server processes in one cluster (both
 * nodes' four services in the membership table, one cluster id through either frontend), a workflow
 * started through node A that node B's frontend sees, whose task a worker on node B runs, and that node
 * B's advanced visibility finds by a custom search attribute; the search attributes in every namespace;
 * every product topic at 3 replicas with min.insync.replicas=2; and an acks=all produce that goes on
 * working after a kill -9 of one broker (which it then restarts and waits back into every ISR).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { SearchAttributeType } from '@temporalio/common';
// Not re-exported from the package root (see test/support/time-skipping.ts).
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { Worker } from '@temporalio/worker';
import { ConfigResourceTypes } from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import { Client as PgClient } from 'pg';
import { parse as parseYaml } from 'yaml';
import { topics } from '../../contracts/topics';
import { stackServerPid } from '../../harness/stack-servers';
import type { AppConfig } from '../../platform/config';
import { loadConfig } from '../../platform/config';
import {
  closeLingeringSockets,
  createIdempotentProducer,
  createKafka,
  ensureTopics,
} from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { connectClient, connectWorker } from '../../platform/temporal';
import { listedSearchAttributes } from '../support/search-attributes';
import { createSmokeActivities } from '../support/smoke-activities';
import { CustomerIdKey } from '../../workflows/search-attributes';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

/** .stack/cluster/stack.env, which the profile's `up` writes (stack/cluster/profile.sh). */
function clusterEnv(): Record<string, string> {
  const file = path.join(root, '.stack/cluster/stack.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `${file} is missing: start the cluster profile first (STACK_PROFILE=cluster bash stack/up)`,
    );
  }
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) env[match[1]] = match[2];
  }
  return env;
}

/**
 * FN's value once it stops throwing: right after a topic is created, or a broker dies, a broker may not
 * know the partition yet or its leader is being elected (kafkajs rethrows those after its own retries).
 */
async function eventually<T>(fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

/** What a node's generated config (.stack/cluster/temporal-<node>.yaml) says, the parts used here. */
interface NodeConfig {
  persistence: { datastores: { default: { sql: Record<string, string> } } };
  services: Record<string, { rpc: { grpcPort: number; membershipPort: number } }>;
}
const nodeConfig = (node: 'a' | 'b') =>
  parseYaml(readFileSync(path.join(root, `.stack/cluster/temporal-${node}.yaml`), 'utf8')) as NodeConfig;

const namespaces = ['default', 'api-fuzzing', 'stalled-orders'];
/** Every product topic (contracts/topics.ts), which the services create with ensureTopics. */
const productTopics = Object.values(topics);
/** A topic of this test's own for the produce-through-a-broker-loss check, created the services' way. */
const probeTopic = 'fusioncommerce.cluster-stack-test.v1';

describe('cluster profile (STACK_PROFILE=cluster)', () => {
  let env: Record<string, string>;
  let configA: AppConfig;
  let configB: AppConfig;
  let clientA: Client;
  let clientB: Client;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    env = clusterEnv();
    configA = loadConfig({ ...env, LOG_LEVEL: 'error' });
    configB = loadConfig({ ...env, LOG_LEVEL: 'error', TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS_B });
    clientA = await connectClient(configA);
    clientB = await connectClient(configB);
    kafka = createKafka(configA, createLogger(configA, 'cluster-test'), 'cluster-test');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    if (kafka) closeLingeringSockets(kafka);
    await clientA?.connection.close();
    await clientB?.connection.close();
  });

  describe('Temporal: two server processes, one cluster', () => {
    it('has both nodes’ frontend, history, matching and worker services in the membership table', async () => {
      const nodes = { a: nodeConfig('a'), b: nodeConfig('b') };
      const store = nodes.a.persistence.datastores.default.sql;
      const [host, port] = (store.connectAddr ?? '').split(':');
      const pg = new PgClient({
        host,
        port: Number(port),
        user: store.user,
        password: store.password,
        database: store.databaseName,
      });
      await pg.connect();
      try {
        // Each live service heartbeats its row every few seconds; rows of earlier runs linger until expiry.
        const { rows } = await pg.query<{ rpc_port: number }>(
          `SELECT DISTINCT rpc_port FROM cluster_membership
            WHERE last_heartbeat > now() - interval '1 minute' AND record_expiry > now()`,
        );
        const live = rows.map((r) => r.rpc_port).sort();
        const expected = Object.values(nodes)
          .flatMap((n) =>
            ['frontend', 'history', 'matching', 'worker'].map((s) => n.services[s]?.rpc.membershipPort),
          )
          .sort();
        expect(expected).toHaveLength(8);
        expect(live).toEqual(expect.arrayContaining(expected));
      } finally {
        await pg.end();
      }
      // Both frontends answer for the same cluster.
      const infoA = await clientA.workflowService.getClusterInfo({});
      const infoB = await clientB.workflowService.getClusterInfo({});
      expect(infoA.clusterId).toBeTruthy();
      expect(infoB.clusterId).toBe(infoA.clusterId);
      expect(infoB.clusterName).toBe(infoA.clusterName);
    });

    it.each(namespaces)(
      'has the search attributes of workflows/search-attributes.json in %s, through both nodes',
      async (namespace) => {
        const listed = listedSearchAttributes();
        const expected = Object.fromEntries(
          Object.entries(listed).map(([name, type]) => [
            name,
            encodeSearchAttributeIndexedValueType(
              type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() as SearchAttributeType,
            ),
          ]),
        );
        for (const client of [clientA, clientB]) {
          const response = await client.connection.operatorService.listSearchAttributes({ namespace });
          expect(response.customAttributes).toEqual(expect.objectContaining(expected));
        }
      },
    );

    it('shows through node B a workflow started through node A, runs it on a worker of node B, and finds it by a search attribute there', async () => {
      const customer = `cluster-test-${randomUUID()}`;
      const workflowId = `cluster-probe-${randomUUID()}`;
      const taskQueue = `cluster-probe-${randomUUID()}`;
      const handleA = await clientA.workflow.start<(name: string) => Promise<string>>('smokeWorkflow', {
        taskQueue,
        workflowId,
        args: ['cluster'],
        typedSearchAttributes: new TypedSearchAttributes([{ key: CustomerIdKey, value: customer }]),
      });
      // No worker yet: node B reads the started workflow from the shared store.
      const described = await clientB.workflow.getHandle(workflowId).describe();
      expect(described.status.name).toBe('RUNNING');
      expect(described.runId).toBe(handleA.firstExecutionRunId);

      const connection = await connectWorker(configB);
      try {
        const worker = await Worker.create({
          connection,
          namespace: configB.temporal.namespace,
          taskQueue,
          workflowsPath: require.resolve('../support/workflows/smoke-workflow'),
          activities: createSmokeActivities(),
        });
        const result = await worker.runUntil(handleA.result());
        expect(result).toBe(`hello cluster from pid ${process.pid} (via workflow)`);
      } finally {
        await connection.close();
      }

      // Visibility is written asynchronously (history's visibility queue): poll node B's list.
      const query = `CustomerId = '${customer}' AND ExecutionStatus = 'Completed'`;
      let found: string[] = [];
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(500)) {
        found = [];
        for await (const execution of clientB.workflow.list({ query })) found.push(execution.workflowId);
        if (found.length > 0) break;
      }
      expect(found).toEqual([workflowId]);
    });
  });

  describe('Kafka: three brokers', () => {
    it('has every product topic at 3 replicas, all in sync, with min.insync.replicas=2', async () => {
      await ensureTopics(kafka, configA, productTopics);
      const { brokers } = await admin.describeCluster();
      expect(brokers).toHaveLength(3);
      const metadata = await eventually(() => admin.fetchTopicMetadata({ topics: productTopics }));
      for (const topic of metadata.topics) {
        expect(topic.partitions.length).toBeGreaterThan(0);
        for (const partition of topic.partitions) {
          expect([
            topic.name,
            partition.partitionId,
            partition.replicas.length,
            partition.isr.length,
          ]).toEqual([topic.name, partition.partitionId, 3, 3]);
        }
      }
      const described = await eventually(() =>
        admin.describeConfigs({
          includeSynonyms: false,
          resources: productTopics.map((name) => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configNames: ['min.insync.replicas'],
          })),
        }),
      );
      const minIsr = Object.fromEntries(
        described.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]),
      );
      expect(minIsr).toEqual(Object.fromEntries(productTopics.map((t) => [t, '2'])));
    });

    it('goes on acknowledging acks=all produces after kill -9 of one broker, none lost or doubled', async () => {
      await ensureTopics(kafka, configA, [probeTopic]);
      const highWatermarks = async () =>
        (await eventually(() => admin.fetchTopicOffsets(probeTopic))).reduce(
          (sum, p) => sum + Number(p.high),
          0,
        );
      const producer = createIdempotentProducer(kafka);
      await producer.connect();
      // One send per partition, each answered for its partition: kafkajs 2.2.4 resolves a send that spans
      // several brokers without the batch of a partition whose leader died mid-send when the new leader
      // already answered for another partition in that send (tulios/kafkajs#1303, docs/cluster.md).
      // That is a client bug, not what this checks: the brokers' guarantee for an acknowledged write.
      // A broker killed without a controlled shutdown keeps its partitions until the controller quorum
      // fences it (broker.session.timeout.ms, 9 s): a send to one of them fails until then, and is sent
      // again, as the outbox relay does after its back-off. Refused connections wrote nothing.
      let failedAttempts = 0;
      const send = async (round: string) => {
        for (const partition of [0, 1, 2]) {
          const messages = Array.from({ length: 10 }, (_, i) => ({
            partition,
            key: `${round}-${partition}-${i}`,
            value: round,
          }));
          const answer = await eventually(async () => {
            try {
              return await producer.send({ topic: probeTopic, acks: -1, messages });
            } catch (err) {
              failedAttempts++;
              throw err;
            }
          }, 60_000);
          expect(answer.map((a) => [a.partition, a.errorCode])).toEqual([[partition, 0]]);
        }
      };
      let restart: string | undefined;
      try {
        await send('before');
        const before = await highWatermarks();

        // The leader of partition 0 goes: its partitions must move to the two brokers left.
        const [meta] = (await eventually(() => admin.fetchTopicMetadata({ topics: [probeTopic] }))).topics;
        const leader = meta?.partitions.find((p) => p.partitionId === 0)?.leader;
        restart = `kafka_${leader}`;
        const pid = stackServerPid(restart);
        if (pid === undefined) throw new Error(`${restart} is not running: is the cluster profile up?`);
        process.kill(pid, 'SIGKILL');
        const killedAt = Date.now();

        await send('after');
        // For docs/cluster.md: how long the failover kept acks=all produces waiting.
        console.log(
          `kill -9 of ${restart}: 30 acks=all records acknowledged ${Date.now() - killedAt} ms later, ${failedAttempts} send(s) refused meanwhile`,
        );
        // A partition's new leader learns its high watermark from its followers' next fetch: a read
        // right after the election can lag behind what was acknowledged, never run ahead of it.
        let added = 0;
        for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(500)) {
          added = (await highWatermarks()) - before;
          if (added >= 30) break;
        }
        expect(added).toBe(30);
        // The two brokers left lead every partition and are its ISR: acks=all met min.insync.replicas=2.
        const after = (await eventually(() => admin.fetchTopicMetadata({ topics: [probeTopic] }))).topics[0];
        expect(after?.partitions.length).toBe(3);
        for (const partition of after?.partitions ?? []) {
          expect(partition.leader).not.toBe(leader);
          expect(partition.isr).not.toContain(leader);
          expect(partition.isr).toHaveLength(2);
        }
      } finally {
        await producer.disconnect();
        if (restart) {
          // Back as it was, for whatever runs next: the broker restarted and in every ISR again.
          await run('bash', [path.join(root, 'stack/up'), restart], {
            cwd: root,
            env: { ...process.env, STACK_PROFILE: 'cluster' },
          });
        }
      }
      let inSync = false;
      for (const deadline = Date.now() + 60_000; !inSync && Date.now() < deadline; await sleep(1000)) {
        const metadata = await eventually(() =>
          admin.fetchTopicMetadata({ topics: [probeTopic, ...productTopics] }),
        );
        inSync = metadata.topics.every((t) => t.partitions.every((p) => p.isr.length === 3));
      }
      expect(inSync).toBe(true);
    });
  });

  it('serves the Temporal UI of the cluster, which lists the namespaces through node A', async () => {
    const response = await fetch(`${env.TEMPORAL_UI_URL}/api/v1/namespaces`);
    expect(response.ok).toBe(true);
    const body = (await response.json()) as { namespaces?: { namespaceInfo?: { name?: string } }[] };
    const names = (body.namespaces ?? []).map((n) => n.namespaceInfo?.name);
    expect(names).toEqual(expect.arrayContaining(namespaces));
  });
});
