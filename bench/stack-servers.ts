/**
 * The local stack's servers, found by the pid files `stack/up` writes, so the benchmark can say where
 * the machine's CPU goes (each server with its child processes: PostgreSQL's backends, Druid's JVMs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive } from './proc-stats';
import { repoRoot } from './processes';

/** The servers of stack/lib.sh, in its order. */
const stackServers = ['temporal', 'kafka', 'postgres', 'maildev', 'inbox', 'localstripe', 'druid', 'n8n'];

export interface StackServers {
  running: { name: string; pid: number }[];
  /** One line per server that is not running, so a missing figure is explained. */
  notes: string[];
}

export function findStackServers(): StackServers {
  const running: StackServers['running'] = [];
  const missing: string[] = [];
  for (const name of stackServers) {
    let pid = NaN;
    try {
      pid = Number(readFileSync(path.join(repoRoot, '.stack', 'run', `${name}.pid`), 'utf8').trim());
    } catch {
      // No pid file: not started.
    }
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) running.push({ name, pid });
    else missing.push(name);
  }
  const notes = missing.length
    ? [`not running (no live pid in .stack/run), so not measured: ${missing.join(', ')}`]
    : [];
  return { running, notes };
}
