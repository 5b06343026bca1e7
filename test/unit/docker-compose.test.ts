import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { readStackServers } from '../../harness/stack-servers';
import { envSchema, loadConfig } from '../../platform/config';
import { listedSearchAttributes } from '../support/search-attributes';

interface ComposeBuild {
  context?: string;
  dockerfile?: string;
  args?: Record<string, string | number>;
}

interface ComposeService {
  image?: string;
  build?: string | ComposeBuild;
  labels?: Record<string, string>;
  environment?: Record<string, string | number>;
  ports?: string[];
  command?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  'x-temporal-cli': { version: string; server: string; ui: string };
}

const root = path.resolve(__dirname, '../..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as ComposeFile;
const services = Object.entries(compose.services);

/** Built from the project's Dockerfile (`build: .`); inbox and localstripe name Dockerfiles of their own. */
function fromProjectDockerfile(service: ComposeService): boolean {
  const build = service.build;
  if (typeof build === 'string') return build === '.';
  return build !== undefined && (build.context ?? '.') === '.' && build.dockerfile === undefined;
}
const ownServices = services.filter(([, s]) => fromProjectDockerfile(s));

/** `apache/kafka:3.9.1` → repository and tag. */
function imageParts(image: string): { repository: string; tag: string } {
  const at = image.lastIndexOf(':');
  return { repository: image.slice(0, at), tag: image.slice(at + 1) };
}

/** The tag of a service's image (`apache/kafka:3.9.1` → `3.9.1`). */
function imageTag(service: string): string | undefined {
  const image = compose.services[service]?.image;
  return image === undefined ? undefined : imageParts(image).tag;
}

/** The value of a `NAME=value` line of a stack script. */
function shellSetting(script: string, name: string): string | undefined {
  const text = readFileSync(path.join(root, script), 'utf8');
  return new RegExp(`^${name}=(\\S+)$`, 'm').exec(text)?.[1];
}

/** `127.0.0.1:5690:5690` → the host side, address and port. */
function published(spec: string): { address: string; port: number } {
  const parts = spec.split(':');
  return parts.length === 3
    ? { address: parts[0] ?? '', port: Number(parts[1]) }
    : { address: '0.0.0.0', port: Number(parts[0]) };
}

/** The runtime stage's base image of a Dockerfile (its last FROM). */
function baseImage(dockerfile: string): string | undefined {
  const froms = [...readFileSync(path.join(root, dockerfile), 'utf8').matchAll(/^FROM (\S+)/gm)];
  return froms.at(-1)?.[1];
}
const projectBase = baseImage('Dockerfile');

/**
 * What `stack/up` makes of the server scripts: stack/lib.sh sources every stack/servers/<name>.sh, so each
 * pin below is the version the local stack installs, computed by the stack's own code (Druid's from its
 * pom, n8n's from its package.json). The home folder is the real one: the cache paths say what is
 * installed on this machine.
 */
const stack = (() => {
  const facts = {
    temporal: '$TEMPORAL_VERSION',
    temporalBin: '$TEMPORAL_BIN',
    kafka: '$KAFKA_VERSION',
    maildev: '$MAILDEV_VERSION',
    localstripe: '$LOCALSTRIPE_VERSION',
    druid: '$DRUID_VERSION',
    druidLib: '$DRUID_LIB',
    n8n: '$(_n8n_version)',
    postgresBin: '$(_pg_bin || true)',
  };
  const script = [
    '. stack/lib.sh',
    ...Object.entries(facts).map(([key, value]) => `printf '%s=%s\\n' ${key} "${value}"`),
  ].join('\n');
  const out = execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: os.homedir(),
      ...(process.env.FC_CACHE_DIR ? { FC_CACHE_DIR: process.env.FC_CACHE_DIR } : {}),
    },
    encoding: 'utf8',
  });
  const values = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<keyof typeof facts, string>;
  return values;
})();

/** The localstripe dependencies stack/servers/localstripe.sh pins in its pip install line. */
function localstripePin(pkg: string): string | undefined {
  const text = readFileSync(path.join(root, 'stack/servers/localstripe.sh'), 'utf8');
  return new RegExp(`\\b${pkg}==(\\S+)`).exec(text.replace(/"/g, ''))?.[1];
}

/**
 * The servers the compose file runs: those of the local stack's default profile, `dev` in
 * stack/profiles.txt (every server of stack/servers.txt where there is no such file). The servers only
 * another profile runs are left out on purpose: the cluster profile's are extra processes of the same
 * servers (three Kafka brokers, two Temporal nodes and their UI) for failover tests on one machine. The
 * compose file runs one of each, on the versions the dev profile pins; a replicated Kafka and Temporal
 * are the Kubernetes deployment's, from their operators (docs/deployment.md).
 */
function composedServers(): string[] {
  const all = readStackServers().map((s) => s.name);
  const file = path.join(root, 'stack/profiles.txt');
  if (!existsSync(file)) return all;
  const dev = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
    .find((cells) => cells[0] === 'dev');
  return dev === undefined ? all : dev.slice(1).filter((name) => all.includes(name));
}

/** The stack server each container runs (its `fusioncommerce.stack-server` label). */
const serverOf = (service: ComposeService) => service.labels?.['fusioncommerce.stack-server'];

/**
 * For each server of the local stack, the version every image its containers use must have, by image
 * repository. A server whose script pins no version says why and what its images are held to instead.
 * A new server in stack/servers.txt fails the test below until it has its line here.
 */
const expectedImages: Record<string, Record<string, string | undefined>> = {
  temporal: {
    'temporalio/server': compose['x-temporal-cli'].server,
    'temporalio/admin-tools': compose['x-temporal-cli'].server,
    'temporalio/ui': compose['x-temporal-cli'].ui,
  },
  kafka: { 'apache/kafka': stack.kafka },
  // Pins no version: it installs the distribution's package (PostgreSQL 15 on Debian 12); the major is
  // compared with the installed one below, where the stack has installed it.
  postgres: { postgres: imageTag('postgres') },
  maildev: { 'ghcr.io/maildev/maildev': stack.maildev },
  // The repository's own script (stack/inbox/inbox.mjs) on the project's Node: built, not pulled.
  inbox: {},
  // Built from PyPI at the versions of localstripe.sh (build arguments, checked below).
  localstripe: {},
  druid: {
    'apache/druid': stack.druid,
    // Druid's own ZooKeeper (compared with the installed jars below); the one-shot runs on the project's Node.
    zookeeper: imageTag('druid-zookeeper'),
    node: projectBase === undefined ? undefined : imageParts(projectBase).tag,
  },
  n8n: { 'n8nio/n8n': stack.n8n },
};

describe('docker-compose.yml', () => {
  it('builds the API and both workers from the project Dockerfile', () => {
    expect(ownServices.map(([name]) => name).sort()).toEqual(['api', 'bridge-worker', 'order-worker']);
  });

  it('gives our services only variables the config schema knows, with values it accepts', () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const [name, service] of ownServices) {
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]),
      );
      expect([name, Object.keys(env).filter((k) => !known.has(k))]).toEqual([name, []]);
      expect(() => loadConfig(env)).not.toThrow();
    }
  });

  it('points our services at the containers of the stack, listening where the health checks look', () => {
    for (const [name, service] of ownServices) {
      const config = loadConfig(
        Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)])),
      );
      const hosts = [
        config.temporal.address,
        ...config.kafka.brokers,
        new URL(config.database.url).host,
        new URL(config.mail.smtpUrl).host,
        new URL(config.payments.apiBase).host,
        new URL(config.analytics.brokerUrl).host,
      ].map((address) => address.split(':')[0] ?? '');
      for (const host of hosts) expect([name, host, host in compose.services]).toEqual([name, host, true]);
      expect([name, config.http.host]).toEqual([name, '0.0.0.0']);
    }
  });

  it('publishes no host port twice, and each on loopback only, like the local stack', () => {
    const ports = services.flatMap(([, s]) => (s.ports ?? []).map(published));
    expect(ports.length).toBeGreaterThan(5);
    expect(new Set(ports.map((p) => p.port)).size).toBe(ports.length);
    expect(ports.filter((p) => p.address !== '127.0.0.1')).toEqual([]);
  });

  it('runs each service command from the compiled entry point of a file that exists', () => {
    for (const [, service] of ownServices) {
      const entry = service.command?.[1] ?? '';
      const source = path.resolve(__dirname, '../..', entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
      expect(() => readFileSync(source)).not.toThrow();
    }
  });

  it('imports and publishes every workflow of n8n/ in the n8n container', () => {
    const entrypoint = readFileSync(path.join(root, 'n8n/compose/entrypoint.sh'), 'utf8');
    const ids = readdirSync(path.join(root, 'n8n'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => (JSON.parse(readFileSync(path.join(root, 'n8n', f), 'utf8')) as { id: string }).id);
    expect(ids).toHaveLength(4);
    const published = /for id in ([^;]+); do n8n publish:workflow/.exec(entrypoint)?.[1]?.split(' ');
    expect(published?.sort()).toEqual(ids.sort());
  });

  it('has the services the design names', () => {
    for (const name of [
      'postgres',
      'temporal',
      'temporal-ui',
      'kafka',
      'n8n',
      'maildev',
      'inbox',
      'localstripe',
      'druid-broker',
    ]) {
      expect(Object.keys(compose.services)).toContain(name);
    }
  });

  it('waits only on services that exist, for a state each can reach', () => {
    const oneShots = new Set(
      services.flatMap(([, s]) =>
        Object.entries(s.depends_on ?? {})
          .filter(([, d]) => d.condition === 'service_completed_successfully')
          .map(([name]) => name),
      ),
    );
    for (const [name, service] of services) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = compose.services[dependency];
        expect([name, dependency, target !== undefined]).toEqual([name, dependency, true]);
        if (condition === 'service_healthy') {
          expect([name, dependency, target?.healthcheck !== undefined]).toEqual([name, dependency, true]);
        }
        // A one-shot publishes nothing: nothing else may need it running.
        if (condition === 'service_completed_successfully') expect(target?.ports).toBeUndefined();
      }
      // Every long-running service reports its health, except the UI nothing waits for.
      if (!oneShots.has(name) && name !== 'druid-supervisors' && name !== 'temporal-ui') {
        expect([name, service.healthcheck !== undefined]).toEqual([name, true]);
      }
    }
  });

  it('gives our services longer to stop than they take to drain', () => {
    for (const [name, service] of ownServices) {
      const graceMs = Number(service.environment?.SHUTDOWN_GRACE_MS);
      const stopSeconds = Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1]);
      expect([name, stopSeconds * 1000 > graceMs]).toEqual([name, true]);
    }
  });
});

// Facts the local stack and the compose file both state; these tests keep each pair equal.
describe('docker-compose.yml and the local stack', () => {
  it('register the same order search attributes (workflows/search-attributes.json)', () => {
    const command = compose.services['temporal-search-attributes']?.command?.join(' ') ?? '';
    const registered: Record<string, string | undefined> = {};
    for (const [, name = '', type] of command.matchAll(/--name (\S+) --type (\S+)/g)) registered[name] = type;
    expect(registered).toEqual(listedSearchAttributes());
  });

  it("run every server of the stack's dev profile, each in containers labelled with its name", () => {
    const names = composedServers();
    expect(names).toEqual(expect.arrayContaining(['temporal', 'kafka', 'postgres', 'druid', 'n8n']));
    const labelled = new Set(services.map(([, s]) => serverOf(s)).filter((n) => n !== undefined));
    expect([...labelled].sort()).toEqual([...names].sort());
    expect(Object.keys(expectedImages).sort()).toEqual([...names].sort());
  });

  it("publish each server's main port on the port the local stack uses", () => {
    const names = composedServers();
    for (const server of readStackServers().filter((s) => names.includes(s.name))) {
      const main = server.ports[0]?.defaultPort;
      const ports = services
        .filter(([, s]) => serverOf(s) === server.name)
        .flatMap(([, s]) => (s.ports ?? []).map((p) => published(p).port));
      expect([server.name, ports.includes(main ?? -1)]).toEqual([server.name, true]);
    }
  });

  it('run every image at the version stack/servers/<name>.sh pins', () => {
    for (const [name, service] of services) {
      const server = serverOf(service);
      if (server === undefined || service.image === undefined) continue;
      const { repository, tag } = imageParts(service.image);
      const expected = expectedImages[server]?.[repository];
      expect([name, service.image, expected]).toEqual([name, service.image, tag]);
    }
    // Every pin read from the stack is a version, not an empty variable.
    for (const pin of [
      stack.temporal,
      stack.kafka,
      stack.maildev,
      stack.localstripe,
      stack.druid,
      stack.n8n,
    ]) {
      expect(pin).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('run the same MailDev version', () => {
    const local = shellSetting('stack/servers/maildev.sh', 'MAILDEV_VERSION');
    expect(local).toMatch(/^\d+\.\d+\.\d+$/);
    expect(imageTag('maildev')).toBe(local);
  });

  it('run the same Kafka version, which is the one the local stack resolves from Maven Central', () => {
    const local = shellSetting('stack/servers/kafka.sh', 'KAFKA_VERSION');
    const pom = readFileSync(path.join(root, 'stack/kafka/pom.xml'), 'utf8');
    expect(local).toMatch(/^\d+\.\d+\.\d+$/);
    expect(/<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1]).toBe(local);
    expect(imageTag('kafka')).toBe(local);
  });

  it('run the Temporal server and UI that the pinned Temporal CLI bundles', () => {
    const cli = compose['x-temporal-cli'];
    expect(cli.version).toBe(stack.temporal);
    expect(cli.server).toMatch(/^\d+\.\d+\.\d+$/);
    // Where the stack has installed the CLI, it says itself what it bundles.
    if (existsSync(stack.temporalBin)) {
      const version = execFileSync(stack.temporalBin, ['--version'], { encoding: 'utf8' });
      expect(version).toContain(`temporal version ${cli.version} (Server ${cli.server}, UI ${cli.ui})`);
    }
  });

  it('build localstripe at the versions localstripe.sh installs, with its launcher', () => {
    const build = compose.services.localstripe?.build as ComposeBuild;
    expect(build.args).toEqual({
      LOCALSTRIPE_VERSION: stack.localstripe,
      AIOHTTP_VERSION: localstripePin('aiohttp'),
      PYTHON_DATEUTIL_VERSION: localstripePin('python-dateutil'),
    });
    const dockerfile = readFileSync(path.join(root, build.dockerfile ?? ''), 'utf8');
    expect(dockerfile).toContain('COPY stack/localstripe/serve.py ');
  });

  it("build the webhook inbox from the stack's own script, on the project's Node", () => {
    const build = compose.services.inbox?.build as ComposeBuild;
    const dockerfile = build.dockerfile ?? '';
    expect(readFileSync(path.join(root, dockerfile), 'utf8')).toContain('COPY stack/inbox/inbox.mjs ');
    expect(baseImage(dockerfile)).toBe(projectBase);
    expect(compose.services['druid-supervisors']?.image).toBe(projectBase);
  });

  it("apply Druid's Kafka supervisors from stack/druid/supervisors", () => {
    const volumes = compose.services['druid-supervisors']?.volumes ?? [];
    expect(volumes.some((v) => v.startsWith('./stack/druid/supervisors:'))).toBe(true);
    expect(
      readdirSync(path.join(root, 'stack/druid/supervisors')).filter((f) => f.endsWith('.json')),
    ).not.toEqual([]);
  });

  it('run the ZooKeeper of the Druid jars the stack installs (where it has installed them)', () => {
    if (!existsSync(stack.druidLib)) return;
    const jar = readdirSync(stack.druidLib).find((f) => /^zookeeper-\d+\.\d+\.\d+\.jar$/.test(f));
    expect(jar).toBe(`zookeeper-${imageTag('druid-zookeeper')}.jar`);
  });

  it('run the PostgreSQL major the stack installs (where it has installed it)', () => {
    const major = /\/postgresql\/(\d+)\/bin$/.exec(stack.postgresBin)?.[1];
    if (major === undefined) return;
    expect(imageTag('postgres')).toBe(major);
    expect(imageTag('postgres-databases')).toBe(major);
  });
});
