/**
 * The chaos run itself, shared by `npm run chaos` and its test: services up, catalog seeded, the event
 * feed joined; then a steady open-loop order load while the faults are injected one at a time (each only
 * after the backlog of the previous one drained); then the drain and the checks. Every server it killed
 * is running again when it returns, whatever happened.
 */
import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchCatalog, fraudCheck, seedCatalog } from '../harness/catalog';
import { createPaymentClient } from '../platform/payments';
import type { BenchCatalog } from '../harness/catalog';
import type { BenchIdentity } from '../harness/identity';
import { createIdentity, serviceEnv } from '../harness/identity';
import { runOpenLoop } from '../harness/load';
import { createPathPicker } from '../harness/mix';
import { OrderEventFeed } from '../harness/order-event-feed';
import { Phase } from '../harness/tracker';
import { topics } from '../contracts/topics';
import { createPool } from '../platform/database';
import type { AppConfig } from '../platform/config';
import { loadConfig } from '../platform/config';
import { closeLingeringSockets, createKafka } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { connectClient } from '../platform/temporal';
import type { ChaosOptions } from './cli';
import { createChaosDriver } from './driver';
import type { ChaosDriver } from './driver';
import type { FaultRecord } from './faults';
import { OrderLedger } from './ledger';
import { Progress } from './progress';
import { faultSchedule, waitUntil } from './schedule';
import { stampPublication } from './publication';
import { ChaosServices, clusterReplicas, singleReplicas } from './services';
import { stackServerPid } from '../harness/stack-servers';
import { clusterStackServers, stackServers, startStackServer } from './stack-server';
import { clusterTopology } from './cluster-topology';
import type { ClusterTopology } from './cluster-topology';
import type { Verification } from './verify';
import { verify } from './verify';
import type { FaultWindow } from './windows';
import { faultWindows } from './windows';

export interface ChaosResult {
  options: ChaosOptions;
  id: BenchIdentity;
  faults: FaultRecord[];
  windows: FaultWindow[];
  /** Faults that could not be injected or recovered. */
  faultErrors: string[];
  warnings: string[];
  ledger: OrderLedger;
  /** When the load began (epoch ms): the fault table's times count from here. */
  startedAt: number;
  /** Seconds of load, and from its end until every order settled (undefined: not within --drain). */
  loadS: number;
  drainS: number | undefined;
  reactions: Map<string, number>;
  verification: Verification;
  /** Why the run stopped early (Ctrl-C), if it did. */
  aborted: string | undefined;
}

export interface ChaosIo {
  out: { isTTY?: boolean; write: (s: string) => unknown };
  /** Returns a reason once the run must stop early (Ctrl-C). */
  stopRequested: () => string | undefined;
}

/**
 * The run's own consumer stands in for n8n and the operators: after a broker restart it must be back in
 * seconds, or its own delay (kafkajs restarts a crashed consumer after growing pauses, and a new member
 * waits for the old one's session to expire) would be counted as the product's.
 */
const feedConsumer = {
  sessionTimeout: 10_000,
  rebalanceTimeout: 10_000,
  heartbeatInterval: 1_000,
  retry: { initialRetryTime: 300, maxRetryTime: 2_000 },
};

// Notifications follow the terminal event; a moment more lets the audit see each order's whole tail.
const TRAILING_EVENTS_MS = 3_000;
const SERVICE_GRACE_MS = 15_000;

interface Running {
  config: AppConfig;
  id: BenchIdentity;
  temporal: Client;
  kafka: Kafka;
  services: ChaosServices;
  catalog: BenchCatalog;
  ledger: OrderLedger;
  driver: ChaosDriver;
  feed: OrderEventFeed;
  progress: Progress;
  topology: ClusterTopology | undefined;
}

async function start(options: ChaosOptions, io: ChaosIo, cleanup: (() => Promise<void>)[]): Promise<Running> {
  // The run's own clients stay quiet: an outage is what it measures, not log noise.
  const cluster = options.shape === 'cluster';
  // In the cluster shape the run's own client talks to the second frontend: its faults kill the first.
  const config = loadConfig({
    ...process.env,
    ...(cluster && process.env.TEMPORAL_ADDRESS_B
      ? { TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS_B }
      : {}),
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
  });
  const id = await createIdentity('chaos');
  const ledger = new OrderLedger();
  const progress = new Progress(ledger, Date.now(), io.out);
  const temporal = await connectClient(config);
  cleanup.push(() => temporal.connection.close());
  const env = serviceEnv(id, process.env);
  const replicas = cluster ? await clusterReplicas(id, process.env) : singleReplicas(id);
  const services = new ChaosServices(id, env, temporal, (l) => progress.say(l), replicas);
  cleanup.push(() => services.stop(SERVICE_GRACE_MS));
  progress.say(
    `[chaos] run ${id.suffix} (${options.shape}): ${replicas.map((r) => r.key).join(', ')}; ` +
      `API on port ${id.httpPort}, task queue ${id.orderTaskQueue}, logs in ${id.logDir}`,
  );
  await services.start();
  // Every order pays by card, so the kills also hit payment steps in flight (checked: one charge each).
  const catalog = benchCatalog(id.suffix, config.fraud, 'pm_card_visa');
  await seedCatalog(services.api, id.operator.secret, catalog);
  const kafka = createKafka(config, createLogger(config, 'chaos'), 'chaos');
  cleanup.push(() => Promise.resolve(void closeLingeringSockets(kafka)));
  const topology = cluster ? clusterTopology(kafka, process.env) : undefined;
  if (topology) cleanup.push(() => topology.close());
  const driver = createChaosDriver(services.api, id, catalog, ledger, options.drainS * 1000);
  const feed = new OrderEventFeed(kafka, topics.orderEvents, (e) => driver.onEvent(e), feedConsumer);
  cleanup.push(() => feed.stop());
  await feed.start();
  return { config, id, temporal, kafka, services, catalog, ledger, driver, feed, progress, topology };
}

/** Brings back every stack server that is not running (a fault cut short must not leave one down). */
async function restoreServers(options: ChaosOptions, say: (line: string) => void): Promise<void> {
  for (const name of options.shape === 'cluster' ? clusterStackServers : stackServers) {
    if (stackServerPid(name) !== undefined) continue;
    say(`[chaos] ${name} is not running; starting it again`);
    await startStackServer(name);
  }
}

export async function runChaos(options: ChaosOptions, io: ChaosIo): Promise<ChaosResult> {
  const cleanup: (() => Promise<void>)[] = [];
  let progress: Progress | undefined;
  const say = (line: string) => (progress ? progress.say(line) : void io.out.write(`${line}\n`));
  try {
    const r = await start(options, io, cleanup);
    progress = r.progress;
    const warnings = fraudCheck(r.catalog, r.config.fraud);
    const stop = () => io.stopRequested() !== undefined;
    progress.start();

    const faultErrors: string[] = [];
    let faultsDone = false;
    const schedule = faultSchedule(r, options, stop, faultErrors).finally(() => (faultsDone = true));
    const pick = createPathPicker(options.mix);
    const loadStart = Date.now();
    const loadPhase = new Phase('chaos load', options.rate);
    await runOpenLoop({
      phase: loadPhase,
      // Open-ended: the load stops once enough orders went out and the last fault is behind it.
      durationS: Infinity,
      submit: () => r.driver.submit(pick()),
      progress: () => undefined,
      aborted: () => stop() || (faultsDone && loadPhase.offered >= options.orders),
    });
    const faults = await schedule;
    const loadS = (Date.now() - loadStart) / 1000;

    r.progress.stage = 'load over, draining';
    const drainS = await waitUntil(
      () => r.ledger.counts().submitting === 0 && r.ledger.openOfferedBefore(Infinity) === 0,
      options.drainS * 1000,
      stop,
    );
    await sleep(TRAILING_EVENTS_MS);
    r.progress.stage = 'checking';
    const pool = createPool(r.config);
    let verification: Verification;
    try {
      await stampPublication(pool, r.ledger);
      verification = await verify({
        ledger: r.ledger,
        temporal: r.temporal,
        pool,
        catalog: r.catalog,
        eventsBySubject: r.feed.bySubject,
        unparseableEvents: r.feed.unparseable,
        unexpectedExits: r.services.unexpectedExits,
        stripe: createPaymentClient(r.config),
        // Stopped early: report what is there instead of waiting for sagas to close.
        ...(stop() ? { closeWaitMs: 0 } : {}),
      });
    } finally {
      await pool.end();
    }
    r.progress.stop();
    return {
      options,
      id: r.id,
      faults,
      windows: faultWindows(faults, r.ledger.attempts, r.ledger.all()),
      faultErrors,
      warnings,
      ledger: r.ledger,
      startedAt: loadStart,
      loadS,
      drainS,
      reactions: r.driver.reactions,
      verification,
      aborted: io.stopRequested(),
    };
  } finally {
    progress?.stop();
    const complain = (err: unknown) =>
      say(`[chaos] cleanup: ${err instanceof Error ? err.message : String(err)}`);
    // Servers first: the services shut down faster with their servers there.
    await restoreServers(options, say).catch(complain);
    for (const step of cleanup.reverse()) await step().catch(complain);
  }
}
