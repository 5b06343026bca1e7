import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema, loadConfig } from '../../platform/config';
import { listedSearchAttributes } from '../support/search-attributes';

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number>;
  ports?: string[];
  command?: string[];
}

const compose = parse(readFileSync(path.resolve(__dirname, '../../docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, ComposeService> };
const ownServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
const root = path.resolve(__dirname, '../..');

/** The tag of a service's image (`apache/kafka:3.9.1` → `3.9.1`). */
function imageTag(service: string): string | undefined {
  return compose.services[service]?.image?.split(':').pop();
}

/** The value of a `NAME=value` line of a stack script. */
function shellSetting(script: string, name: string): string | undefined {
  const text = readFileSync(path.join(root, script), 'utf8');
  return new RegExp(`^${name}=(\\S+)$`, 'm').exec(text)?.[1];
}

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

  it('publishes no host port twice', () => {
    const hostPorts = Object.values(compose.services).flatMap((s) =>
      (s.ports ?? []).map((p) => p.split(':')[0]),
    );
    expect(hostPorts.length).toBeGreaterThan(5);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
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
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'kafka', 'n8n', 'maildev']) {
      expect(Object.keys(compose.services)).toContain(name);
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
});
