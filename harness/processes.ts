/**
 * A run's own processes (the benchmark's, the chaos run's). Its API, order worker and bridge worker start
 * as `npm start` starts them (one `node dist/…` process each, scripts/service-commands.ts) but with their
 * own port, task queues and keys, so they neither clash with nor borrow from services that may already run.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..');

export interface ServiceProcess {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<string>;
}

/** Starts `node <nodeArgs>` with the given environment as it is; output goes to a log file. */
export function spawnService(
  name: string,
  nodeArgs: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
): ServiceProcess {
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, nodeArgs, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Both streams share the file: neither may end it, or what the other writes last (a crash's stack
  // trace on stderr) would be lost; it ends once the process and both its streams are done.
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  child.once('close', () => log.end());
  if (child.pid === undefined) throw new Error(`${name}: could not start node ${nodeArgs.join(' ')}`);
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
