/**
 * stack/servers.txt is the one list of the local stack's servers: stack/lib.sh reads it for up, down,
 * status and logs, harness/stack-servers.ts for the benchmark and the chaos run. These tests read it both
 * ways and compare, and check that every server it names has the file the stack scripts load.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stackServers as chaosServers } from '../../chaos/stack-server';
import type { StackServerInfo } from '../../harness/stack-servers';
import { parseServersTable, portOf, readStackServers } from '../../harness/stack-servers';

const root = path.resolve(__dirname, '../..');
const servers = readStackServers();
const names = servers.map((s) => s.name);
const byPlace = (place: (s: StackServerInfo) => number) =>
  [...servers].sort((a, b) => place(a) - place(b)).map((s) => s.name);

/** What stack/lib.sh makes of the table in `env`: its arrays, and each server's optional flag and ports. */
function bashSide(env: Record<string, string> = {}) {
  const script = [
    '. stack/lib.sh',
    'printf "servers %s\\n" "${SERVERS[*]}"',
    'printf "order %s\\n" "${ORDER[*]}"',
    'printf "stop %s\\n" "${STOP_ORDER[*]}"',
    'for s in "${SERVERS[@]}"; do printf "server %s %s %s\\n" "$s" "${SERVER_OPTIONAL[$s]}" "$("${s}_ports")"; done',
  ].join('\n');
  // Only what the scripts need: no port variable of the calling environment may leak in.
  const out = execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), ...env },
    encoding: 'utf8',
  });
  const lines = out.trim().split('\n');
  const list = (key: string) =>
    lines
      .find((l) => l.startsWith(`${key} `))
      ?.slice(key.length + 1)
      .split(' ');
  const perServer = Object.fromEntries(
    lines
      .filter((l) => l.startsWith('server '))
      .map((l) => {
        const [, name = '', optional = '', ...ports] = l.split(' ');
        return [name, { optional: optional === 'yes', ports: ports.map(Number) }];
      }),
  );
  return { servers: list('servers'), order: list('order'), stop: list('stop'), perServer };
}

describe('stack/servers.txt', () => {
  it('lists each server once, with places 1..n in the start and in the stop order', () => {
    expect(new Set(names).size).toBe(names.length);
    const places = servers.map((_, i) => i + 1);
    expect(servers.map((s) => s.up).sort((a, b) => a - b)).toEqual(places);
    expect(servers.map((s) => s.down).sort((a, b) => a - b)).toEqual(places);
  });

  it.each(names)('names %s, whose stack/servers/<name>.sh defines what stack/lib.sh calls', (name) => {
    const text = readFileSync(path.join(root, 'stack', 'servers', `${name}.sh`), 'utf8');
    for (const fn of ['install', 'start', 'ping', 'check', 'ports', 'match']) {
      expect(text).toMatch(new RegExp(`^${name}_${fn}\\(\\) *\\{`, 'm'));
    }
    // The command-line text the TypeScript side checks a pid with is spelled where the process starts.
    expect(text).toContain(servers.find((s) => s.name === name)?.cmdline);
  });

  it('names every stack/servers/*.sh (a file it leaves out would never be loaded)', () => {
    const files = readdirSync(path.join(root, 'stack', 'servers'))
      .filter((f) => f.endsWith('.sh'))
      .map((f) => f.slice(0, -'.sh'.length));
    expect(files.sort()).toEqual([...names].sort());
  });

  it('reads the same to stack/lib.sh as to the TypeScript side: names, orders, optional, default ports', () => {
    const bash = bashSide();
    expect(bash.servers).toEqual(names);
    expect(bash.order).toEqual(byPlace((s) => s.up));
    expect(bash.stop).toEqual(byPlace((s) => s.down));
    expect(bash.perServer).toEqual(
      Object.fromEntries(
        servers.map((s) => [s.name, { optional: s.optional, ports: s.ports.map((p) => p.defaultPort) }]),
      ),
    );
  });

  it('lets the environment override every port on both sides, an earlier variable name too', () => {
    const settings = servers.flatMap((s) => s.ports);
    // A distinct port per variable, each set under its first (current) name…
    const env: Record<string, string> = Object.fromEntries(
      settings.map((p, i) => [p.variables[0] ?? '', String(20_000 + i)]),
    );
    // …except those with an earlier name, set under that one only.
    for (const p of settings.filter((p) => p.variables.length > 1)) {
      const value = env[p.variables[0] ?? ''] ?? '';
      delete env[p.variables[0] ?? ''];
      env[p.variables[1] ?? ''] = value;
    }
    const expected = (e: NodeJS.ProcessEnv) =>
      Object.fromEntries(
        servers.map((s) => [s.name, { optional: s.optional, ports: s.ports.map((p) => portOf(p, e)) }]),
      );
    expect(expected(env)).not.toEqual(expected({}));
    expect(bashSide(env).perServer).toEqual(expected(env));
    // The current name wins over the earlier one.
    expect(bashSide({ INBOX_PORT: '7001', N8N_HOOKS_PORT: '7002' }).perServer.inbox?.ports).toEqual([7001]);
  });

  it('has the servers the chaos run kills and restarts', () => {
    expect(names).toEqual(expect.arrayContaining([...chaosServers]));
  });

  it('refuses a line it cannot read, naming it', () => {
    const row = 'kafka 1 1 no kafka.Kafka KAFKA_PORT=9092';
    expect(parseServersTable(`# comment\n\n${row} # trailing\n`, 't')).toEqual([
      {
        name: 'kafka',
        up: 1,
        down: 1,
        optional: false,
        cmdline: 'kafka.Kafka',
        ports: [{ variables: ['KAFKA_PORT'], defaultPort: 9092 }],
      },
    ]);
    expect(() => parseServersTable('kafka 1 1 no kafka.Kafka', 't')).toThrow(/^t:1: needs 6 columns/);
    expect(() => parseServersTable(`${row}\nzk 1 2 no zk ZK_PORT=1`, 't')).toThrow(/t:2: .*start at place 1/);
    expect(() => parseServersTable('kafka 1 1 maybe k K=1', 't')).toThrow(/optional is yes or no/);
    expect(() => parseServersTable('kafka 1 1 no k KAFKA_PORT', 't')).toThrow(/is not VARIABLE=port/);
    expect(() => parseServersTable('# none\n', 't')).toThrow(/lists no server/);
  });
});
