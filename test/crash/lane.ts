/**
 * A service process a crash test arms with a crash point and restarts after it died there. As a lane of
 * the crash-point matrix it is an order worker on a task queue of its own, armed for the cell it runs
 * next: lanes run side by side (each cell waits mostly for Temporal to time out the dead worker's task),
 * and a kill in one lane never touches another.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CRASH_POINT_REACHED } from '../../platform/crash-points';
import { sourceService } from '../../scripts/service-commands';
import { workflowBundle } from '../support/workflow-bundle';

const root = path.resolve(__dirname, '../..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface LaneWorker {
  child: ChildProcess;
  armed: string;
  stderr: string;
  exited: Promise<Exit>;
}

export class CrashLane {
  private worker: LaneWorker | undefined;

  constructor(
    /** The task queue its worker polls (the matrix gives each lane one of its own). */
    readonly taskQueue: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly entry = 'workers/order-worker-main.ts',
  ) {}

  /** Runs the lane's worker armed with `point@key` (or unarmed), restarting it when armed otherwise. */
  async arm(armed: string | undefined): Promise<void> {
    const wanted = armed ?? '';
    if (this.worker && this.worker.armed === wanted && this.running()) return;
    await this.stop();
    const command = sourceService(this.entry, {
      ...this.env,
      ORDER_TASK_QUEUE: this.taskQueue,
      ORDER_WORKER_METRICS_PORT: '0',
      CRASH_POINTS: wanted,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
    });
    const child = spawn(process.execPath, command.nodeArgs, {
      cwd: root,
      env: command.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const worker: LaneWorker = {
      child,
      armed: wanted,
      stderr: '',
      exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      worker.stderr = (worker.stderr + chunk.toString()).slice(-20_000);
    });
    this.worker = worker;
  }

  /**
   * Waits for the armed worker to kill itself at its crash point: undefined when it did, else what
   * happened instead (it exited otherwise, or never reached the point).
   */
  async crashed(timeoutMs: number): Promise<string | undefined> {
    const worker = this.worker;
    if (!worker) return 'no worker was running';
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      worker.exited,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!exit) return `the crash point was not reached within ${timeoutMs / 1000} s`;
    if (exit.signal !== 'SIGKILL') return `the worker exited with ${exit.signal ?? `code ${exit.code}`}`;
    // Armed as point@* it names the key it was reached for.
    const reached = worker.armed.endsWith('@*') ? worker.armed.slice(0, -1) : `${worker.armed}\n`;
    if (!worker.stderr.includes(`${CRASH_POINT_REACHED} ${reached}`)) {
      return `the worker was killed, but not at ${worker.armed}`;
    }
    return undefined;
  }

  /** True while the lane's worker process is alive. */
  running(): boolean {
    return (
      this.worker !== undefined &&
      this.worker.child.exitCode === null &&
      this.worker.child.signalCode === null
    );
  }

  /** Kills the worker from outside, as `kill -9` does, and waits for it to be gone. */
  async kill(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    worker.child.kill('SIGKILL');
    await worker.exited;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
    worker.child.kill('SIGTERM');
    const stopped = await Promise.race([
      worker.exited,
      new Promise((resolve) => setTimeout(() => resolve(undefined), 15_000)),
    ]);
    if (!stopped) worker.child.kill('SIGKILL');
  }
}

/**
 * The environment of a test file's crash lanes: the workflows bundled once and written to a file the
 * workers load (WORKFLOW_BUNDLE), so a restarted worker polls within seconds instead of bundling again.
 */
export async function laneEnvironment(): Promise<{ env: NodeJS.ProcessEnv; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crash-lanes-'));
  const bundlePath = path.join(dir, 'workflows.js');
  await writeFile(bundlePath, (await workflowBundle()).code);
  return {
    env: { ...process.env, WORKFLOW_BUNDLE: bundlePath },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
