/**
 * The local stack's servers that run, found by the pid files `stack/up` writes, so the benchmark can say
 * where the machine's CPU goes (each server with its child processes: PostgreSQL's backends, Druid's JVMs).
 */
import { readStackServers, stackServerPid } from '../harness/stack-servers';

export interface StackServers {
  running: { name: string; pid: number }[];
  /** One line per server that is not running, so a missing figure is explained. */
  notes: string[];
}

export function findStackServers(): StackServers {
  const running: StackServers['running'] = [];
  const missing: string[] = [];
  for (const { name } of readStackServers()) {
    const pid = stackServerPid(name);
    if (pid !== undefined) running.push({ name, pid });
    else missing.push(name);
  }
  const notes = missing.length
    ? [`not running (no live pid in .stack/run), so not measured: ${missing.join(', ')}`]
    : [];
  return { running, notes };
}
