/**
 * Memory and CPU of a process and its descendants from /proc (Linux): `node --import tsx` runs the
 * service itself, but a service may fork helpers (n8n's task runners), so whole trees are measured.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface StatFields {
  ppid: number;
  /**
   * User + system CPU time in clock ticks, with that of the children it has reaped: PostgreSQL's backends
   * come and go, and their time would otherwise vanish from the tree when they end (a window could even
   * come out negative).
   */
  cpuTicks: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields start after the last ")". */
export function parseStat(text: string): StatFields | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14), see proc(5).
  const ppid = Number(fields[1]);
  const times = [11, 12, 13, 14].map((i) => Number(fields[i]));
  if (![ppid, ...times].every(Number.isFinite)) return undefined;
  return { ppid, cpuTicks: times.reduce((a, b) => a + b, 0) };
}

/** VmRSS of /proc/<pid>/status in KiB (undefined for a kernel thread or a zombie). */
export function parseVmRssKb(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

export function isAlive(pid: number): boolean {
  return read(`/proc/${pid}/stat`) !== undefined;
}

/** The pid and every live descendant. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    const fields = stat === undefined ? undefined : parseStat(stat);
    if (!fields) continue;
    children.set(fields.ppid, [...(children.get(fields.ppid) ?? []), Number(name)]);
  }
  const tree: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export function treeRssKb(root: number): number {
  return processTree(root).reduce(
    (sum, pid) => sum + (parseVmRssKb(read(`/proc/${pid}/status`) ?? '') ?? 0),
    0,
  );
}

/** CPU ticks used so far by the live tree and the children its processes reaped. */
export function treeCpuTicks(root: number): number {
  return processTree(root).reduce((sum, pid) => {
    const stat = read(`/proc/${pid}/stat`);
    return sum + ((stat === undefined ? undefined : parseStat(stat))?.cpuTicks ?? 0);
  }, 0);
}

let ticksPerSecond: number | undefined;

/** Clock ticks per second (USER_HZ), asked once; 100 on every common Linux. */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}
