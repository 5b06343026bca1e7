/**
 * The local stack's servers as the chaos run sees them: the pid `stack/up` recorded under
 * .stack/run/<name>.pid (checked against the process's command line, as stack/lib.sh does, because pids
 * get reused), a SIGKILL to exactly that process, and `bash stack/up <name>` to bring it back.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoRoot } from '../bench/processes';

const run = promisify(execFile);

export const stackServers = ['temporal', 'kafka', 'postgres', 'maildev'] as const;
export type StackServer = (typeof stackServers)[number];

// Text in each server's command line (the stack's own `<name>_match` is longer; this is enough to refuse
// a pid that now belongs to something else).
const commandMarker: Record<StackServer, string> = {
  temporal: 'start-dev',
  kafka: 'kafka.Kafka',
  postgres: 'postgres',
  maildev: 'maildev',
};

// A killed PostgreSQL leaves its backends behind for a moment; until they notice the postmaster is gone,
// a new postmaster refuses the shared memory they still hold. A few tries ride that out.
const START_ATTEMPTS = 4;
const START_RETRY_MS = 2_000;

function alive(pid: number): boolean {
  try {
    // A zombie still has a /proc entry but is gone for every purpose here.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The live, verified pid of a stack server, or undefined when it is not running. */
export function stackServerPid(name: StackServer): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(repoRoot, '.stack', 'run', `${name}.pid`), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
  return cmdline.includes(commandMarker[name]) ? pid : undefined;
}

/** kill -9 of the server's recorded process; resolves with its pid once it is gone. */
export async function killStackServer(name: StackServer): Promise<number> {
  const pid = stackServerPid(name);
  if (pid === undefined) throw new Error(`${name} is not running (no live pid in .stack/run/${name}.pid)`);
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(50);
  return pid;
}

/** `bash stack/up <name>`: starts the server when its pid died, and waits until it answers. */
export async function startStackServer(name: StackServer): Promise<void> {
  let lastError = '';
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      await run('bash', [path.join(repoRoot, 'stack', 'up'), name], { cwd: repoRoot });
      return;
    } catch (err) {
      const stderr = typeof err === 'object' && err !== null && 'stderr' in err ? String(err.stderr) : '';
      lastError = stderr.trim().split('\n').slice(-5).join('\n') || String(err);
      await sleep(START_RETRY_MS);
    }
  }
  throw new Error(`bash stack/up ${name} failed ${START_ATTEMPTS} times; last output:\n${lastError}`);
}
