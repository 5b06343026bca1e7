/**
 * The local stack's servers as stack/servers.txt lists them, the table stack/lib.sh reads too (its header
 * explains the columns), and where a running one is found: the pid `stack/up` recorded under
 * .stack/run/<name>.pid, checked against the process's command line as stack/lib.sh does, because pids
 * get reused.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './processes';

export const serversTableFile = path.join(repoRoot, 'stack', 'servers.txt');

/** One port setting: the environment variable, its earlier names, and the port when none is set. */
export interface PortSetting {
  /** The variable first, then the earlier names read when it is unset (INBOX_PORT, N8N_HOOKS_PORT). */
  variables: string[];
  defaultPort: number;
}

export interface StackServerInfo {
  name: string;
  /** Place in the order `stack/up` starts and awaits the servers, from 1. */
  up: number;
  /** Place in the order `stack/down` stops them, from 1. */
  down: number;
  /** A plain `stack/up` goes on without it. */
  optional: boolean;
  /** Text in its process's command line. */
  cmdline: string;
  /** Every port it listens on, the main one first. */
  ports: PortSetting[];
}

const place = /^[1-9]\d*$/;
const portSpec = /^([A-Z_][A-Z0-9_]*(?:\/[A-Z_][A-Z0-9_]*)*)=(\d+)$/;

/** The rows of the table; throws naming the line that does not read. */
export function parseServersTable(text: string, file = serversTableFile): StackServerInfo[] {
  const servers: StackServerInfo[] = [];
  const fail = (line: number, why: string): never => {
    throw new Error(`${file}:${line}: ${why}`);
  };
  text.split('\n').forEach((raw, i) => {
    const cells = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (cells.length === 0) return;
    const [name = '', up = '', down = '', optional = '', cmdline = '', ports = ''] = cells;
    if (cells.length !== 6) fail(i + 1, `needs 6 columns (name up down optional cmdline ports)`);
    if (!/^[a-z][a-z0-9_]*$/.test(name)) fail(i + 1, `"${name}" is not a server name (a-z, 0-9, _)`);
    if (!place.test(up) || !place.test(down)) fail(i + 1, `${name}: up and down are places counted from 1`);
    if (optional !== 'yes' && optional !== 'no') fail(i + 1, `${name}: optional is yes or no`);
    const row: StackServerInfo = {
      name,
      up: Number(up),
      down: Number(down),
      optional: optional === 'yes',
      cmdline,
      ports: ports.split(',').map((spec) => {
        const match = portSpec.exec(spec) ?? fail(i + 1, `${name}: "${spec}" is not VARIABLE=port`);
        return { variables: (match[1] ?? '').split('/'), defaultPort: Number(match[2]) };
      }),
    };
    for (const other of servers) {
      if (other.name === row.name) fail(i + 1, `${name} is listed twice`);
      if (other.up === row.up) fail(i + 1, `${name} and ${other.name} both start at place ${row.up}`);
      if (other.down === row.down) fail(i + 1, `${name} and ${other.name} both stop at place ${row.down}`);
    }
    servers.push(row);
  });
  if (servers.length === 0) throw new Error(`${file} lists no server`);
  return servers;
}

let table: readonly StackServerInfo[] | undefined;

/** The servers, in the table's order (the order `stack/status` lists them); read once. */
export function readStackServers(): readonly StackServerInfo[] {
  table ??= parseServersTable(readFileSync(serversTableFile, 'utf8'));
  return table;
}

export function stackServerInfo(name: string): StackServerInfo {
  const info = readStackServers().find((s) => s.name === name);
  if (!info) throw new Error(`${name} is not a server of ${path.relative(repoRoot, serversTableFile)}`);
  return info;
}

/** The port a setting gives in `env`, as stack/lib.sh reads it: the first variable set, else the default. */
export function portOf(setting: PortSetting, env: NodeJS.ProcessEnv): number {
  for (const variable of setting.variables) {
    const value = env[variable];
    if (value) return Number(value);
  }
  return setting.defaultPort;
}

export const pidFile = (name: string) => path.join(repoRoot, '.stack', 'run', `${name}.pid`);
export const logFile = (name: string) => path.join(repoRoot, '.stack', 'logs', `${name}.log`);

/** Whether the process lives: a zombie still has a /proc entry but is gone for every purpose here. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The live, verified pid of a stack server, or undefined when it is not running. */
export function stackServerPid(name: string): number | undefined {
  const { cmdline } = stackServerInfo(name);
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(name), 'utf8').trim());
  } catch {
    return undefined; // no pid file: not started
  }
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return undefined;
  let command: string;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
  return command.includes(cmdline) ? pid : undefined;
}
