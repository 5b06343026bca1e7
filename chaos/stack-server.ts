/**
 * The stack's servers the chaos run needs and kills: a SIGKILL to exactly the process `stack/up` recorded
 * (harness/stack-servers.ts finds and verifies it), and `bash stack/up <name>` to bring it back.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoRoot } from '../harness/processes';
import { pidAlive, stackServerPid } from '../harness/stack-servers';

const run = promisify(execFile);

/** The servers its faults kill or stop (names of stack/servers.txt); brought back after the run if down. */
export const stackServers = ['temporal', 'kafka', 'postgres', 'maildev'] as const;
/** The same in the cluster shape: one of two Temporal processes, any of the three brokers. */
export const clusterStackServers = [
  'temporal_a',
  'kafka_1',
  'kafka_2',
  'kafka_3',
  'postgres',
  'maildev',
] as const;

// A killed PostgreSQL leaves its backends behind for a moment; until they notice the postmaster is gone,
// a new postmaster refuses the shared memory they still hold. A few tries ride that out.
const START_ATTEMPTS = 4;
const START_RETRY_MS = 2_000;

/** kill -9 of the server's recorded process; resolves with its pid once it is gone. */
export async function killStackServer(name: string): Promise<number> {
  const pid = stackServerPid(name);
  if (pid === undefined) throw new Error(`${name} is not running (no live pid in .stack/run/${name}.pid)`);
  process.kill(pid, 'SIGKILL');
  while (pidAlive(pid)) await sleep(50);
  return pid;
}

/** `bash stack/up <name>`: starts the server when its pid died, and waits until it answers. */
export async function startStackServer(name: string): Promise<void> {
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
