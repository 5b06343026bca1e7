/**
 * The chaos run's own APIs, order workers and bridge workers: each a child process started as `npm start`
 * starts it (harness/processes.ts), on the run's own ports, task queues and keys — one of each, or in the
 * cluster shape two of each, every pair split over the two Temporal frontends. The run kills and respawns
 * them itself, so it knows which exits it caused; any other exit is a finding, noted and healed by a
 * respawn so the run can go on and still check the invariants.
 */
import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiBalancer } from '../harness/api-balancer';
import type { ApiRequester } from '../harness/api-balancer';
import { ApiClient } from '../harness/api-client';
import type { BenchIdentity } from '../harness/identity';
import { freePort } from '../harness/identity';
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

/** One process of a service. */
export interface ServiceReplica {
  /** How the run names it: the service's name, or with the replica's letter in the cluster shape (`api-b`). */
  key: string;
  service: ServiceName;
  /** Its environment beside the run's: its own ports, its Temporal frontend. */
  env: NodeJS.ProcessEnv;
  /** The API's HTTP port. */
  httpPort?: number;
  /** The bridge's metrics port, where it says whether its relay leads. */
  metricsPort?: number;
}

/** One of each, on the run's ports: the shape of `npm start`. */
export function singleReplicas(id: BenchIdentity): ServiceReplica[] {
  return [
    { key: 'api', service: 'api', env: {}, httpPort: id.httpPort },
    { key: 'order-worker', service: 'order-worker', env: {} },
    { key: 'bridge-worker', service: 'bridge-worker', env: {}, metricsPort: id.metricsPort },
  ];
}

/**
 * Two of each, as production runs them: api-a, order-worker-a and bridge-worker-a talk to the first
 * Temporal frontend, the -b ones to the second (a frontend is one address per client here; in
 * production a load balancer sits in front of the frontends and of the APIs).
 */
export async function clusterReplicas(id: BenchIdentity, env: NodeJS.ProcessEnv): Promise<ServiceReplica[]> {
  const frontends = { a: env.TEMPORAL_ADDRESS, b: env.TEMPORAL_ADDRESS_B };
  if (!frontends.a || !frontends.b) {
    throw new Error(
      'the cluster shape needs TEMPORAL_ADDRESS and TEMPORAL_ADDRESS_B (STACK_PROFILE=cluster bash stack/up writes them)',
    );
  }
  const apiB = await freePort();
  const bridgeB = await freePort();
  return [
    { key: 'api-a', service: 'api', env: { TEMPORAL_ADDRESS: frontends.a }, httpPort: id.httpPort },
    {
      key: 'api-b',
      service: 'api',
      env: { TEMPORAL_ADDRESS: frontends.b, HTTP_PORT: String(apiB) },
      httpPort: apiB,
    },
    { key: 'order-worker-a', service: 'order-worker', env: { TEMPORAL_ADDRESS: frontends.a } },
    { key: 'order-worker-b', service: 'order-worker', env: { TEMPORAL_ADDRESS: frontends.b } },
    {
      key: 'bridge-worker-a',
      service: 'bridge-worker',
      env: { TEMPORAL_ADDRESS: frontends.a },
      metricsPort: id.metricsPort,
    },
    {
      key: 'bridge-worker-b',
      service: 'bridge-worker',
      env: { TEMPORAL_ADDRESS: frontends.b, BRIDGE_METRICS_PORT: String(bridgeB) },
      metricsPort: bridgeB,
    },
  ];
}

// The order worker bundles the workflow code before it polls: tens of seconds on a busy 2-core machine.
const READY_TIMEOUT_MS = 180_000;
const RESPAWN_AFTER_UNEXPECTED_EXIT_MS = 1_000;

export interface UnexpectedExit {
  service: string;
  at: number;
  how: string;
  logTail: string;
}

export class ChaosServices {
  /** Where the driver sends its requests: the one API, or both in turn as a load balancer would. */
  readonly api: ApiRequester;
  /** Each API's own client (seeding, readiness). */
  readonly apis = new Map<string, ApiClient>();
  readonly unexpectedExits: UnexpectedExit[] = [];
  private readonly running = new Map<string, ServiceProcess>();
  private readonly replicas = new Map<string, ServiceReplica>();
  /** Processes this run is killing on purpose: their exit is not a finding. */
  private readonly killing = new Set<ServiceProcess>();
  private stopping = false;

  constructor(
    private readonly id: BenchIdentity,
    private readonly env: NodeJS.ProcessEnv,
    private readonly temporal: Client,
    private readonly say: (line: string) => void,
    replicas: readonly ServiceReplica[] = singleReplicas(id),
  ) {
    for (const replica of replicas) {
      this.replicas.set(replica.key, replica);
      if (replica.service === 'api') {
        this.apis.set(replica.key, new ApiClient(`http://127.0.0.1:${replica.httpPort ?? id.httpPort}`));
      }
    }
    const apis = [...this.apis.values()];
    this.api = apis.length === 1 ? apis[0]! : new ApiBalancer(apis);
  }

  /** The keys of a service's processes (`api`, or `api-a` and `api-b`). */
  keysOf(service: ServiceName): string[] {
    return [...this.replicas.values()].filter((r) => r.service === service).map((r) => r.key);
  }

  /** Starts every process and waits until each serves. */
  async start(): Promise<void> {
    for (const key of this.replicas.keys()) this.spawn(key);
    for (const key of this.replicas.keys()) await this.ready(key);
  }

  pid(key: string): number | undefined {
    return this.running.get(key)?.pid;
  }

  private replica(key: string): ServiceReplica {
    const replica = this.replicas.get(key);
    if (!replica) throw new Error(`no service ${key} in this run (${[...this.replicas.keys()].join(', ')})`);
    return replica;
  }

  private spawn(key: string): ServiceProcess {
    const replica = this.replica(key);
    // From the TypeScript sources, like the tests (the chaos test drives this too): no build needed.
    const source = sourceService(entries[replica.service], { ...this.env, ...replica.env });
    const service = spawnService(key, source.nodeArgs, source.env, this.id.logDir);
    this.running.set(key, service);
    void service.exited.then((how) => {
      if (this.stopping || this.killing.has(service)) return;
      this.unexpectedExits.push({ service: key, at: Date.now(), how, logTail: logTail(service) });
      this.say(`[chaos] ${key} (pid ${service.pid}) exited on its own (${how}); respawning it`);
      setTimeout(() => {
        if (!this.stopping && this.running.get(key) === service) this.spawn(key);
      }, RESPAWN_AFTER_UNEXPECTED_EXIT_MS);
    });
    return service;
  }

  /** kill -9 of the process; resolves with its pid once it is gone. */
  async kill(key: string): Promise<number> {
    const service = this.running.get(key);
    if (!service) throw new Error(`${key} is not running`);
    this.killing.add(service);
    service.child.kill('SIGKILL');
    await service.exited;
    return service.pid;
  }

  /** Starts the process again and waits until it serves. */
  async respawn(key: string): Promise<number> {
    const service = this.spawn(key);
    await this.ready(key);
    return service.pid;
  }

  /** Until the process does its job: the API answers /readyz, the order worker polls, a relay leads. */
  async ready(key: string): Promise<void> {
    const service = this.running.get(key);
    if (!service) throw new Error(`${key} is not running`);
    const replica = this.replica(key);
    const worth = () =>
      !this.stopping && service.child.exitCode === null && service.child.signalCode === null;
    const ok =
      replica.service === 'api'
        ? await this.apis.get(key)!.waitFor('/readyz', READY_TIMEOUT_MS, worth)
        : replica.service === 'order-worker'
          ? await this.polling(service.pid, worth)
          : await this.relayAnswers(replica, worth);
    if (!ok)
      throw new Error(
        `${key} (pid ${service.pid}) did not become ready; its log ends with:\n${logTail(service)}`,
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

  /** A bridge's relay says whether it leads (1), 0 when another bridge holds the outbox lock. */
  private async relayLeads(replica: ServiceReplica): Promise<number | undefined> {
    const url = `http://127.0.0.1:${replica.metricsPort ?? this.id.metricsPort}/metrics`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      return response.ok ? metricValue(await response.text(), 'fc_outbox_relay_leader') : undefined;
    } catch {
      return undefined; // not listening (yet, or any more)
    }
  }

  /** The bridge answers, and events flow: some bridge's relay leads (this one, or the other). */
  private async relayAnswers(replica: ServiceReplica, worth: () => boolean): Promise<boolean> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline && worth()) {
      if ((await this.relayLeads(replica)) !== undefined && (await this.leader()) !== undefined) return true;
      await sleep(250);
    }
    return false;
  }

  /** The bridge whose relay leads now, if one does. */
  async leader(): Promise<string | undefined> {
    for (const key of this.keysOf('bridge-worker')) {
      if ((await this.relayLeads(this.replica(key))) === 1) return key;
    }
    return undefined;
  }

  /** Until a bridge other than `gone` leads; resolves with it, or undefined after `limitMs`. */
  async failover(gone: string, limitMs: number): Promise<string | undefined> {
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline && !this.stopping) {
      const now = await this.leader();
      if (now !== undefined && now !== gone) return now;
      await sleep(100);
    }
    return undefined;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    await stopServices([...this.running.values()], graceMs);
  }
}
