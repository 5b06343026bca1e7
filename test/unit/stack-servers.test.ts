/**
 * stack/servers.txt is the one list of the local stack's servers: stack/lib.sh reads it for up, down,
 * status and logs, harness/stack-servers.ts for the benchmark and the chaos run. These tests read it both
 * ways and compare, and check that every server it names has the file the stack scripts load.
 * stack/profiles.txt says which of them each profile (STACK_PROFILE: dev, the default, or cluster) runs;
 * lib.sh keeps SERVERS, ORDER and STOP_ORDER to the profile's, and these tests hold it to that file.
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
const byPlace = (place: (s: StackServerInfo) => number, among: readonly StackServerInfo[] = servers) =>
  [...among].sort((a, b) => place(a) - place(b)).map((s) => s.name);

/** stack/profiles.txt: profile -> its servers (the TypeScript side has no reader of its own). */
function readProfiles(): Map<string, string[]> {
  const profiles = new Map<string, string[]>();
  for (const raw of readFileSync(path.join(root, 'stack', 'profiles.txt'), 'utf8').split('\n')) {
    const [profile, ...members] = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (profile) profiles.set(profile, members);
  }
  return profiles;
}
const profiles = readProfiles();
const profileNames = [...profiles.keys()];
/** The table's rows a profile runs, in the table's order (as lib.sh keeps them). */
const serversOf = (profile: string) => servers.filter((s) => profiles.get(profile)?.includes(s.name));

/**
 * What stack/lib.sh makes of the table in `env`: the arrays of the profile (STACK_PROFILE in `env`), and
 * every server's optional flag and ports (whatever the profile).
 */
function bashSide(env: Record<string, string> = {}) {
  const script = [
    '. stack/lib.sh',
    'printf "servers %s\\n" "${SERVERS[*]}"',
    'printf "order %s\\n" "${ORDER[*]}"',
    'printf "stop %s\\n" "${STOP_ORDER[*]}"',
    'for s in "${ALL_SERVERS[@]}"; do printf "server %s %s %s\\n" "$s" "${SERVER_OPTIONAL[$s]}" "$("${s}_ports")"; done',
  ].join('\n');
  // Only what the scripts need: no port variable of the calling environment may leak in.
  const out = execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), ...env },
    encoding: 'utf8',
    // No socket on stdin: bash would take itself for a remote shell and read /etc/bash.bashrc.
    stdio: ['ignore', 'pipe', 'pipe'],
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

  it.each(profileNames)(
    'reads the same to stack/lib.sh as to the TypeScript side for profile %s: names, orders, optional, default ports',
    (profile) => {
      const bash = bashSide(profile === 'dev' ? {} : { STACK_PROFILE: profile });
      const own = serversOf(profile);
      expect(bash.servers).toEqual(own.map((s) => s.name));
      expect(bash.order).toEqual(byPlace((s) => s.up, own));
      expect(bash.stop).toEqual(byPlace((s) => s.down, own));
      expect(bash.perServer).toEqual(
        Object.fromEntries(
          servers.map((s) => [s.name, { optional: s.optional, ports: s.ports.map((p) => p.defaultPort) }]),
        ),
      );
    },
  );

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

  it('has the servers the chaos run kills and restarts, in the dev profile', () => {
    expect(profiles.get('dev')).toEqual(expect.arrayContaining([...chaosServers]));
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

describe('stack/profiles.txt', () => {
  it('puts every server of servers.txt in a profile, names only those, each once a line', () => {
    expect(profileNames).toEqual(['dev', 'cluster']);
    for (const [profile, members] of profiles) {
      expect([profile, new Set(members).size]).toEqual([profile, members.length]);
      expect(names).toEqual(expect.arrayContaining(members));
    }
    expect([...new Set([...profiles.values()].flat())].sort()).toEqual([...names].sort());
  });

  it('keeps the dev profile (the default, `bash stack/up`) as it was: its servers and both orders', () => {
    const bash = bashSide();
    expect(bash.servers).toEqual([
      'temporal',
      'kafka',
      'postgres',
      'maildev',
      'inbox',
      'localstripe',
      'druid',
      'n8n',
    ]);
    expect(bash.order).toEqual([
      'kafka',
      'druid',
      'temporal',
      'postgres',
      'maildev',
      'inbox',
      'localstripe',
      'n8n',
    ]);
    expect(bash.stop).toEqual([
      'n8n',
      'druid',
      'localstripe',
      'inbox',
      'maildev',
      'kafka',
      'temporal',
      'postgres',
    ]);
    expect(bashSide({ STACK_PROFILE: 'dev' })).toEqual(bash);
  });

  it('gives the cluster profile its own Temporal and Kafka, shares the rest, and leaves out Druid and n8n', () => {
    const cluster = profiles.get('cluster') ?? [];
    expect(cluster).toEqual(
      expect.arrayContaining(['kafka_1', 'kafka_2', 'kafka_3', 'temporal_a', 'temporal_b', 'temporal_ui']),
    );
    const shared = cluster.filter((s) => profiles.get('dev')?.includes(s)).sort();
    expect(shared).toEqual(['inbox', 'localstripe', 'maildev', 'postgres']);
    expect(cluster).not.toContain('druid');
    expect(cluster).not.toContain('n8n');
    // Its Temporal nodes start once PostgreSQL, their store, was launched, and stop before it.
    const place = (name: string) => servers.find((s) => s.name === name) ?? servers[0];
    for (const node of ['temporal_a', 'temporal_b']) {
      expect(place(node)?.up).toBeGreaterThan(place('postgres')?.up ?? 0);
      expect(place(node)?.down).toBeLessThan(place('postgres')?.down ?? 0);
    }
  });

  it('gives no two servers the same default port, so both profiles run side by side', () => {
    const ports = servers.flatMap((s) => s.ports.map((p) => `${p.defaultPort}`));
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('refuses a profile it does not list, naming those it does', () => {
    expect(() => bashSide({ STACK_PROFILE: 'prod' })).toThrow(
      /STACK_PROFILE=prod is not a profile .*\(dev cluster\)/,
    );
  });

  /** lib.sh's shared_in_use SERVER under STACK_PROFILE, with the servers in `running` taken as running. */
  function sharedInUse(profile: string, server: string, running: string[]): string {
    const script = [
      '. stack/lib.sh',
      'server_pid() { [[ " $RUNNING " == *" $1 "* ]]; }',
      'background_pid() { return 1; }',
      `shared_in_use ${server} || echo "not in use"`,
    ].join('\n');
    return execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: os.tmpdir(),
        STACK_PROFILE: profile,
        RUNNING: running.join(' '),
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  it('leaves a shared server up on a profile’s down while the other profile runs a server of its own', () => {
    // A cluster down, the dev stack running: PostgreSQL stays.
    expect(sharedInUse('cluster', 'postgres', ['temporal', 'postgres'])).toBe('dev (its temporal runs)');
    // Only shared servers and the cluster's own running: nothing holds PostgreSQL back.
    expect(sharedInUse('cluster', 'postgres', ['postgres', 'maildev', 'kafka_1', 'temporal_a'])).toBe(
      'not in use',
    );
    // A dev down with the cluster running: the cluster keeps its PostgreSQL.
    expect(sharedInUse('dev', 'postgres', ['temporal_a'])).toBe('cluster (its temporal_a runs)');
    // A server of one profile only is never held back.
    expect(sharedInUse('cluster', 'kafka_1', ['temporal', 'kafka'])).toBe('not in use');
    expect(sharedInUse('dev', 'kafka', ['kafka_1'])).toBe('not in use');
  });
});

describe('the server files share one shell', () => {
  // lib.sh sources every server file into one shell: a global one file assigns and another assigns again
  // silently wins (the cluster's PostgreSQL database name once replaced the dev server's SQLite path).
  it('assigns each top-level variable in one file only', () => {
    const files = [
      ...readdirSync(path.join(root, 'stack/servers')).map((f) => `stack/servers/${f}`),
      ...readdirSync(path.join(root, 'stack/cluster'))
        .filter((f) => f.endsWith('.sh'))
        .map((f) => `stack/cluster/${f}`),
    ];
    const owners = new Map<string, string[]>();
    for (const file of files) {
      for (const line of readFileSync(path.join(root, file), 'utf8').split('\n')) {
        const assigned = /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
        if (assigned) owners.set(assigned, [...new Set([...(owners.get(assigned) ?? []), file])]);
      }
    }
    const clashes = [...owners]
      .filter(([, in_]) => in_.length > 1)
      .map(([v, in_]) => `${v}: ${in_.join(', ')}`);
    expect(clashes).toEqual([]);
  });
});
