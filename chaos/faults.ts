/**
 * The faults: kill -9 of one process, a pause while it stays dead, then its restart — a respawn for the
 * run's own workers, `bash stack/up <name>` for the stack's servers. `order-worker-mid-step` picks its
 * instant: MailDev is stopped (SIGSTOP) first, so the orders that reach their mail step hold their
 * workflow task open with the capture and the commit already made, and only then is the worker killed —
 * the instant that once turned confirmed orders into refunded rejections.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosServices } from './services';
import type { ClusterTopology } from './cluster-topology';
import { stackServerPid } from '../harness/stack-servers';
import { killStackServer, startStackServer } from './stack-server';

export const faultKinds = [
  'order-worker',
  'order-worker-mid-step',
  'bridge-worker',
  'temporal',
  'kafka',
  'postgres',
] as const;

/**
 * The cluster shape's faults (two of every service, two Temporal server processes, three brokers): each
 * kills one of two (or three), so the product must go on through the others while it is down.
 */
export const clusterFaultKinds = [
  'temporal-node',
  'kafka-leader',
  'one-order-worker',
  'leading-relay',
  'one-api',
] as const;
export type FaultKind = (typeof faultKinds)[number] | (typeof clusterFaultKinds)[number];
export const allFaultKinds: readonly FaultKind[] = [...faultKinds, ...clusterFaultKinds];

/** What each fault takes away, for --help. */
export const faultMeaning: Record<FaultKind, string> = {
  'order-worker': 'the sagas stop moving; Temporal hands their tasks to the respawned worker',
  'order-worker-mid-step':
    'killed while the mail step holds captured, committed orders open (MailDev stopped); they must stay confirmed',
  'bridge-worker': 'the outbox relay stops; events wait in PostgreSQL',
  temporal: 'the API cannot start sagas; workers lose their server',
  kafka: 'events cannot be published; sagas go on',
  postgres: 'no reservations, idempotency keys or outbox writes',
  'temporal-node':
    'one of the two Temporal server processes (the frontend of api-a and the workers -a); its shards move to the other',
  'kafka-leader': 'the broker leading most order-event partitions; the other two elect new leaders',
  'one-order-worker': 'order-worker-a; the other worker takes its tasks',
  'leading-relay': 'the bridge whose relay holds the outbox lock; the other bridge takes the lead',
  'one-api': 'api-a; the load balancer (the run) sends its requests to api-b',
};

export interface FaultRecord {
  kind: FaultKind;
  /** What was killed: a stack server's or a service's name (`temporal_a`, `kafka_2`, `bridge-worker-b`). */
  target: string;
  /** The killed process. */
  pid: number;
  /**
   * When the rest of the product had taken over from it, for the faults where that is observable: another
   * relay leads, the partitions have new leaders. Undefined where nothing takes over (the process is back).
   */
  tookOverAt?: number;
  killedAt: number;
  /** When the restart began (after the pause) and when the process served again. */
  restartAt: number;
  recoveredAt: number;
}

// Long enough for orders under load to pass their capture and commit and stop at the mail step.
const HOLD_MAIL_MS = 3_000;

/** Stops MailDev, lets orders pile up in their mail step, kills the worker, resumes MailDev. */
async function killWorkerMidStep(services: ChaosServices, say: (line: string) => void): Promise<number> {
  const maildev = stackServerPid('maildev');
  if (maildev === undefined)
    throw new Error('maildev is not running (no live pid in .stack/run/maildev.pid)');
  process.kill(maildev, 'SIGSTOP');
  say(`[chaos] kill -STOP maildev (pid ${maildev}): mail steps hold their tasks open`);
  try {
    await sleep(HOLD_MAIL_MS);
    return await services.kill('order-worker');
  } finally {
    process.kill(maildev, 'SIGCONT');
  }
}

/** How a fault kills its process and brings it back; `tookOver` waits for the others to take its part. */
interface Target {
  name: string;
  kill: () => Promise<number>;
  tookOver?: () => Promise<boolean>;
  restart: () => Promise<void>;
}

// A take-over that has not happened by then is reported as not happening (the restart still follows).
const TAKE_OVER_LIMIT_MS = 60_000;

async function targetOf(
  kind: FaultKind,
  services: ChaosServices,
  cluster: ClusterTopology | undefined,
  say: (line: string) => void,
): Promise<Target> {
  const service = (key: string): Target => ({
    name: key,
    kill: () => services.kill(key),
    restart: async () => void (await services.respawn(key)),
  });
  const server = (name: string): Target => ({
    name,
    kill: () => killStackServer(name),
    restart: () => startStackServer(name),
  });
  switch (kind) {
    case 'temporal':
    case 'kafka':
    case 'postgres':
      return server(kind);
    case 'order-worker':
    case 'bridge-worker':
      return service(kind);
    case 'order-worker-mid-step':
      return { ...service('order-worker'), kill: () => killWorkerMidStep(services, say) };
    case 'one-order-worker':
      return service('order-worker-a');
    case 'one-api':
      return service('api-a');
    case 'temporal-node':
      return server('temporal_a');
    case 'leading-relay': {
      const leader = await services.leader();
      if (leader === undefined) throw new Error('no bridge leads the outbox relay');
      return {
        ...service(leader),
        tookOver: async () => (await services.failover(leader, TAKE_OVER_LIMIT_MS)) !== undefined,
      };
    }
    case 'kafka-leader': {
      if (!cluster) throw new Error('kafka-leader needs the cluster shape');
      const broker = await cluster.orderEventsLeader();
      return {
        ...server(broker.server),
        tookOver: () => cluster.ledWithout(broker.nodeId, TAKE_OVER_LIMIT_MS),
      };
    }
  }
}

/** Kills, waits `downMs`, restarts; resolves once the process serves again. */
export async function injectFault(
  kind: FaultKind,
  services: ChaosServices,
  downMs: number,
  say: (line: string) => void,
  cluster?: ClusterTopology,
): Promise<FaultRecord> {
  const target = await targetOf(kind, services, cluster, say);
  const pid = await target.kill();
  const killedAt = Date.now();
  say(`[chaos] kill -9 ${kind}: ${target.name} (pid ${pid})`);
  let tookOverAt: number | undefined;
  const takingOver = target.tookOver?.().then((done) => {
    if (done) tookOverAt = Date.now();
  });
  await sleep(downMs);
  const restartAt = Date.now();
  await target.restart();
  const recoveredAt = Date.now();
  await takingOver;
  say(
    `[chaos] ${target.name} is back ${((recoveredAt - killedAt) / 1000).toFixed(1)} s after the kill ` +
      `(restart took ${((recoveredAt - restartAt) / 1000).toFixed(1)} s` +
      (tookOverAt === undefined
        ? ')'
        : `; taken over after ${((tookOverAt - killedAt) / 1000).toFixed(1)} s)`),
  );
  return {
    kind,
    target: target.name,
    pid,
    killedAt,
    restartAt,
    recoveredAt,
    ...(tookOverAt ? { tookOverAt } : {}),
  };
}
