/**
 * The faults one at a time: a warm-up, then each fault, a wait until the orders it caught have settled,
 * and a stretch of steady load before the next one. The load itself runs beside this (chaos/run.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosOptions } from './cli';
import type { ClusterTopology } from './cluster-topology';
import type { FaultRecord } from './faults';
import { injectFault } from './faults';
import type { OrderLedger } from './ledger';
import type { Progress } from './progress';
import type { ChaosServices } from './services';

/** Resolves after `ms`, or earlier once `stop()` says so. */
export async function pause(ms: number, stop: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !stop()) await sleep(Math.min(200, end - Date.now()));
}

/** Until `done()`, at most `limitMs`; returns the seconds it took, or undefined at the limit. */
export async function waitUntil(
  done: () => boolean,
  limitMs: number,
  stop: () => boolean,
): Promise<number | undefined> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > limitMs || stop()) return undefined;
    await sleep(200);
  }
  return (Date.now() - start) / 1000;
}

/** Injects the faults in order; returns what happened to each. */
export async function faultSchedule(
  r: {
    services: ChaosServices;
    ledger: OrderLedger;
    progress: Progress;
    topology?: ClusterTopology | undefined;
  },
  options: ChaosOptions,
  stop: () => boolean,
  errors: string[],
): Promise<FaultRecord[]> {
  const say = (line: string) => r.progress.say(line);
  const records: FaultRecord[] = [];
  r.progress.stage = `steady load, first fault in ${options.warmupS} s`;
  await pause(options.warmupS * 1000, stop);
  for (const [i, kind] of options.faults.entries()) {
    if (stop()) break;
    r.progress.stage = `fault ${i + 1}/${options.faults.length}: ${kind} killed`;
    try {
      const record = await injectFault(kind, r.services, options.downS * 1000, say, r.topology);
      records.push(record);
      r.progress.stage = `fault ${i + 1}/${options.faults.length}: ${kind} back, draining its backlog`;
      const drained = await waitUntil(
        () => r.ledger.openOfferedBefore(record.recoveredAt) === 0,
        options.drainS * 1000,
        stop,
      );
      if (drained === undefined && !stop()) {
        say(`[chaos] the backlog of the ${kind} fault did not drain within ${options.drainS} s; going on`);
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors.push(`${kind}: ${message}`);
      say(`[chaos] the ${kind} fault failed: ${message}`);
      // A server that could not be brought back would make every later figure meaningless.
      break;
    }
    if (i < options.faults.length - 1) {
      r.progress.stage = `steady load, next fault in ${options.intervalS} s`;
      await pause(options.intervalS * 1000, stop);
    }
  }
  r.progress.stage = 'faults done, steady load';
  return records;
}
