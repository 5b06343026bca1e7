/**
 * The chaos run's own API, order worker and bridge worker: each a child process started as `npm start`
 * starts it (harness/processes.ts), on the run's own port, task queues and keys. The run kills and
 * respawns them itself, so it knows which exits it caused; any other exit is a finding, noted and healed
 * by a respawn so the run can go on and still check the invariants.
 */
import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from '../harness/api-client';
import type { BenchIdentity } from '../harness/identity';
import { metricValue } from '../harness/outbox-metrics';
import type { ServiceProcess } from '../harness/processes';
import { logTail, spawnService, stopServices } from '../harness/processes';
import { sourceService } from '../scripts/service-commands';
import { waitForPollers } from '../harness/temporal-pollers';

export const serviceNames = ['api', 'order-worker', 'bridge-worker'] as const;
export type ServiceName = (typeof serviceNames)[number];

const entries: Record<ServiceName, string> = {
  api: 'api/main.ts',
  'order-worker': 'workers/order-worker-main.ts',
  'bridge-worker': 'workers/bridge-worker-main.ts',
};

// The order worker bundles the workflow code before it polls: tens of seconds on a busy 2-core machine.
const READY_TIMEOUT_MS = 180_000;
const RESPAWN_AFTER_UNEXPECTED_EXIT_MS = 1_000;

export interface UnexpectedExit {
  service: ServiceName;
  at: number;
  how: string;
  logTail: string;
}

export class ChaosServices {
  readonly api: ApiClient;
  readonly unexpectedExits: UnexpectedExit[] = [];
  private readonly running = new Map<ServiceName, ServiceProcess>();
  /** Processes this run is killing on purpose: their exit is not a finding. */
  private readonly killing = new Set<ServiceProcess>();
  private stopping = false;

  constructor(
    private readonly id: BenchIdentity,
    private readonly env: NodeJS.ProcessEnv,
    private readonly temporal: Client,
    private readonly say: (line: string) => void,
  ) {
    this.api = new ApiClient(`http://127.0.0.1:${id.httpPort}`);
  }

  /** Starts all three and waits until each serves. */
  async start(): Promise<void> {
    for (const name of serviceNames) this.spawn(name);
    for (const name of serviceNames) await this.ready(name);
  }

  pid(name: ServiceName): number | undefined {
    return this.running.get(name)?.pid;
  }

  private spawn(name: ServiceName): ServiceProcess {
    // From the TypeScript sources, like the tests (the chaos test drives this too): no build needed.
    const source = sourceService(entries[name], this.env);
    const service = spawnService(name, source.nodeArgs, source.env, this.id.logDir);
    this.running.set(name, service);
    void service.exited.then((how) => {
      if (this.stopping || this.killing.has(service)) return;
      this.unexpectedExits.push({ service: name, at: Date.now(), how, logTail: logTail(service) });
      this.say(`[chaos] ${name} (pid ${service.pid}) exited on its own (${how}); respawning it`);
      setTimeout(() => {
        if (!this.stopping && this.running.get(name) === service) this.spawn(name);
      }, RESPAWN_AFTER_UNEXPECTED_EXIT_MS);
    });
    return service;
  }

  /** kill -9 of the service's process; resolves with its pid once it is gone. */
  async kill(name: ServiceName): Promise<number> {
    const service = this.running.get(name);
    if (!service) throw new Error(`${name} is not running`);
    this.killing.add(service);
    service.child.kill('SIGKILL');
    await service.exited;
    return service.pid;
  }

  /** Starts the service again and waits until it serves. */
  async respawn(name: ServiceName): Promise<number> {
    const service = this.spawn(name);
    await this.ready(name);
    return service.pid;
  }

  /** Until the service does its job: the API answers /readyz, the order worker polls, the bridge leads. */
  async ready(name: ServiceName): Promise<void> {
    const service = this.running.get(name);
    if (!service) throw new Error(`${name} is not running`);
    const worth = () =>
      !this.stopping && service.child.exitCode === null && service.child.signalCode === null;
    const ok =
      name === 'api'
        ? await this.api.waitFor('/readyz', READY_TIMEOUT_MS, worth)
        : name === 'order-worker'
          ? await this.polling(service.pid, worth)
          : await this.leading(worth);
    if (!ok)
      throw new Error(
        `${name} (pid ${service.pid}) did not become ready; its log ends with:\n${logTail(service)}`,
      );
  }

  private async polling(pid: number, worth: () => boolean): Promise<boolean> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline && worth()) {
      try {
        // Short windows: a Temporal outage makes the call fail, not hang, and the loop tries again.
        const left = Math.max(1, Math.min(10_000, deadline - Date.now()));
        if (await waitForPollers(this.temporal, this.id.orderTaskQueue, left, worth, `${pid}@`)) return true;
      } catch {
        await sleep(500);
      }
    }
    return false;
  }

  /** The relay holds the outbox lock (fc_outbox_relay_leader 1), so events flow again. */
  private async leading(worth: () => boolean): Promise<boolean> {
    const url = `http://127.0.0.1:${this.id.metricsPort}/metrics`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline && worth()) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (response.ok && metricValue(await response.text(), 'fc_outbox_relay_leader') === 1) return true;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    return false;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    await stopServices([...this.running.values()], graceMs);
  }
}
