/**
 * The benchmark's own API, order worker and bridge worker, started as `npm start` starts them (one
 * `node --import tsx` process each) but with its own port, task queues and keys, so it neither clashes
 * with nor borrows from services that may already run.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { serviceProcessEnv } from '../platform/service-process';

export const repoRoot = path.resolve(__dirname, '..');

export interface ServiceProcess {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<string>;
}

/** Starts `node --import tsx <entry> [...args]` with the given environment; output goes to a log file. */
export function spawnService(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  args: string[] = [],
): ServiceProcess {
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, entry), ...args], {
    cwd: repoRoot,
    env: serviceProcessEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Both streams share the file: neither may end it, or what the other writes last (a crash's stack
  // trace on stderr) would be lost; it ends once the process and both its streams are done.
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  child.once('close', () => log.end());
  if (child.pid === undefined) throw new Error(`${name}: could not start ${entry}`);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
  );
  return { name, pid: child.pid, logFile, child, exited };
}

/** The last lines a service wrote, for the message when it dies. */
export function logTail(service: ServiceProcess, lines = 15): string {
  try {
    return readFileSync(service.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** SIGTERM (each service shuts down cleanly on it), then SIGKILL whatever is still there after graceMs. */
export async function stopServices(services: readonly ServiceProcess[], graceMs: number): Promise<void> {
  await Promise.all(
    services.map(async (s) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return;
      s.child.kill('SIGTERM');
      const timer = setTimeout(() => s.child.kill('SIGKILL'), graceMs);
      await s.exited;
      clearTimeout(timer);
    }),
  );
}
