/**
 * The files the cluster profile's `up` generates (docs/cluster.md), rendered by the very shell functions
 * that write them (stack/cluster/*.sh) into a temporary folder, no server started: each Kafka node's
 * server.properties, each Temporal node's config, the UI's config and .stack/cluster/stack.env. Held to
 * stack/servers.txt's ports, to the dev profile's Temporal features, and to what the services parse.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../platform/config';
import { readStackServers } from '../../harness/stack-servers';

const root = path.resolve(__dirname, '../..');
const servers = readStackServers();
const portsOf = (name: string) => servers.find((s) => s.name === name)?.ports.map((p) => p.defaultPort) ?? [];
let out: string;

beforeAll(() => {
  out = mkdtempSync(path.join(os.tmpdir(), 'stack-cluster-'));
  const script = [
    '. stack/lib.sh',
    '. stack/cluster/profile.sh',
    'TEMPORAL_CLUSTER_DIR="$OUT" TEMPORAL_UI_DIR="$OUT/ui"',
    '_kafka_node_dir() { printf "%s/kafka-%s" "$OUT" "$1"; }',
    'for n in "${KAFKA_CLUSTER_NODES[@]}"; do mkdir -p "$OUT/kafka-$n"; _kafka_node_write_props "$n"; done',
    '_temporal_node_write_config a',
    '_temporal_node_write_config b',
    '_temporal_ui_write_config',
    'cluster_env_lines >"$OUT/stack.env"',
  ].join('\n');
  execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: out, OUT: out, STACK_PROFILE: 'cluster' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const properties = (file: string) =>
  Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[a-z]/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
const envFile = () =>
  Object.fromEntries(
    readFileSync(path.join(out, 'stack.env'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z]/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;

interface TemporalNode {
  persistence: {
    numHistoryShards: number;
    defaultStore: string;
    visibilityStore: string;
    datastores: object;
  };
  global: { metrics: { prometheus: { listenAddress: string } } };
  services: Record<
    string,
    { rpc: { grpcPort: number; membershipPort: number; httpPort?: number; bindOnIP: string } }
  >;
  clusterMetadata: { clusterInformation: Record<string, { rpcAddress: string }> };
  dynamicConfigClient: { filepath: string };
}
const temporalNode = (node: string) =>
  parseYaml(readFileSync(path.join(out, `temporal-${node}.yaml`), 'utf8')) as TemporalNode;

describe('cluster profile: Kafka nodes', () => {
  const nodes = [1, 2, 3];

  it.each(nodes)(
    'node %i: its own id, ports (servers.txt) and log folder, the one quorum of all three',
    (n) => {
      const props = properties(path.join(out, `kafka-${n}`, 'server.properties'));
      const [port, controller] = portsOf(`kafka_${n}`);
      expect(props['node.id']).toBe(String(n));
      expect(props.listeners).toBe(`PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`);
      expect(props['log.dirs']).toBe(path.join(out, `kafka-${n}`, 'data'));
      expect(props['controller.quorum.voters']).toBe(
        nodes.map((m) => `${m}@127.0.0.1:${portsOf(`kafka_${m}`)[1]}`).join(','),
      );
      expect(props['process.roles']).toBe('broker,controller');
    },
  );

  it('replicates as production does: 3 replicas, 2 in sync for acks=all, internal topics too', () => {
    for (const n of nodes) {
      expect(properties(path.join(out, `kafka-${n}`, 'server.properties'))).toEqual(
        expect.objectContaining({
          'default.replication.factor': '3',
          'min.insync.replicas': '2',
          'offsets.topic.replication.factor': '3',
          'transaction.state.log.replication.factor': '3',
          'transaction.state.log.min.isr': '2',
          'unclean.leader.election.enable': 'false',
        }),
      );
    }
  });
});

describe('cluster profile: Temporal nodes', () => {
  it.each(['a', 'b'])('node %s listens on exactly its ports of servers.txt, on loopback', (node) => {
    const config = temporalNode(node);
    const listened = [
      ...Object.values(config.services).flatMap((s) => [
        s.rpc.grpcPort,
        s.rpc.membershipPort,
        s.rpc.httpPort,
      ]),
      Number(config.global.metrics.prometheus.listenAddress.split(':')[1]),
    ].filter((p): p is number => p !== undefined);
    expect(Object.keys(config.services).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
    expect(Object.values(config.services).map((s) => s.rpc.bindOnIP)).toEqual(Array(4).fill('127.0.0.1'));
    expect(config.global.metrics.prometheus.listenAddress).toMatch(/^127\.0\.0\.1:/);
    expect(listened.sort((x, y) => x - y)).toEqual([...portsOf(`temporal_${node}`)].sort((x, y) => x - y));
    // The main port of the row (what clients dial) is the frontend's.
    expect(config.services.frontend?.rpc.grpcPort).toBe(portsOf(`temporal_${node}`)[0]);
  });

  it('shares one store, one shard count and one cluster between both nodes', () => {
    const [a, b] = [temporalNode('a'), temporalNode('b')];
    expect(b.persistence).toEqual(a.persistence);
    expect(a.persistence.numHistoryShards).toBe(8);
    expect(b.clusterMetadata).toEqual(a.clusterMetadata);
    expect(Object.values(a.clusterMetadata.clusterInformation)[0]?.rpcAddress).toBe(
      `127.0.0.1:${portsOf('temporal_a')[0]}`,
    );
  });

  it('turns on, in its dynamic config file, what the dev profile’s server is given on its command line', () => {
    const file = temporalNode('a').dynamicConfigClient.filepath;
    expect(file).toBe(path.join(root, 'stack/cluster/temporal-dynamicconfig.yaml'));
    const dynamic = parseYaml(readFileSync(file, 'utf8')) as Record<string, { value: unknown }[]>;
    const dev = [
      ...readFileSync(path.join(root, 'stack/servers/temporal.sh'), 'utf8').matchAll(
        /--dynamic-config-value ([\w.]+)=(\S+)/g,
      ),
    ].map((m) => [m[1] ?? '', JSON.parse(m[2] ?? 'null') as unknown] as const);
    expect(dev.length).toBeGreaterThan(0);
    // Server 1.32 always serves update-with-start: the switch is gone and would only log a warning.
    const goneIn132 = ['frontend.enableExecuteMultiOperation'];
    for (const [key, value] of dev) {
      if (goneIn132.includes(key)) expect(dynamic[key]).toBeUndefined();
      else expect([key, dynamic[key]]).toEqual([key, [{ value }]]);
    }
  });

  it('points the UI at node A on its own port', () => {
    const ui = parseYaml(readFileSync(path.join(out, 'ui/config/cluster.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(ui.temporalGrpcAddress).toBe(`127.0.0.1:${portsOf('temporal_a')[0]}`);
    expect(ui.port).toBe(portsOf('temporal_ui')[0]);
  });
});

describe('cluster profile: .stack/cluster/stack.env', () => {
  it('gives the services node A, names node B, all three brokers and replication 3', () => {
    const env = envFile();
    const config = loadConfig(env);
    expect(config.temporal.address).toBe(`127.0.0.1:${portsOf('temporal_a')[0]}`);
    expect(env.TEMPORAL_ADDRESS_B).toBe(`127.0.0.1:${portsOf('temporal_b')[0]}`);
    expect(config.kafka.brokers).toEqual([1, 2, 3].map((n) => `127.0.0.1:${portsOf(`kafka_${n}`)[0]}`));
    expect(config.kafka.topicReplication).toBe(3);
    expect(config.temporal.uiUrl).toBe(`http://127.0.0.1:${portsOf('temporal_ui')[0]}`);
  });

  it('keeps the services off the dev profile’s database, Druid and ports', () => {
    const env = envFile();
    const config = loadConfig(env);
    const devDefaults = loadConfig({});
    expect(new URL(config.database.url).pathname).toBe('/fusioncommerce_cluster');
    expect(new URL(config.database.url).port).toBe(String(portsOf('postgres')[0]));
    expect(config.analytics.brokerUrl).not.toBe(devDefaults.analytics.brokerUrl);
    expect(config.http.port).not.toBe(devDefaults.http.port);
    expect(env.STACK_PROFILE).toBe('cluster');
  });
});
