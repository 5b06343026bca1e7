/**
 * Open-loop load: units are offered on a fixed schedule (rate × elapsed time) whether or not earlier ones
 * finished, so a slow system builds a backlog instead of quietly slowing the generator down.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Phase, StepSample } from './tracker';

export interface OpenLoopOptions {
  phase: Phase;
  durationS: number;
  /** Sends unit `seq`; records acceptance or failure on the phase itself and never rejects. */
  submit: (seq: number) => Promise<void>;
  /** Printed about every PROGRESS_EVERY_S seconds. */
  progress: (line: string) => void;
  /** Set to stop early (Ctrl-C). */
  aborted: () => boolean;
}

export interface OpenLoopResult {
  samples: StepSample[];
  /** Worst delay of a send behind its schedule: large values mean the generator, not the system, lagged. */
  maxLateMs: number;
}

const PROGRESS_EVERY_S = 5;

export function progressLine(phase: Phase, elapsedS: number): string {
  return (
    `[${phase.label}] ${elapsedS.toFixed(0).padStart(3)} s  offered ${phase.offered}  accepted ${phase.accepted}` +
    `  failed ${phase.failed}  settled ${phase.settled}  backlog ${phase.backlog()}`
  );
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { phase, durationS } = options;
  const total = Math.round(phase.rate * durationS);
  const intervalMs = 1000 / phase.rate;
  const start = performance.now();
  const samples: StepSample[] = [phase.sample(0)];
  let nextSampleS = 1;
  let nextProgressS = PROGRESS_EVERY_S;
  let maxLateMs = 0;
  let seq = 0;
  while (!options.aborted()) {
    const elapsedMs = performance.now() - start;
    // Everything whose time has come goes out now, late or not: that is what keeps the loop open.
    while (seq < total && seq * intervalMs <= elapsedMs) {
      maxLateMs = Math.max(maxLateMs, elapsedMs - seq * intervalMs);
      phase.offered++;
      void options.submit(seq++);
    }
    const elapsedS = elapsedMs / 1000;
    if (elapsedS >= nextSampleS) {
      samples.push(phase.sample(elapsedS));
      nextSampleS = Math.floor(elapsedS) + 1;
    }
    if (elapsedS >= nextProgressS) {
      options.progress(progressLine(phase, elapsedS));
      nextProgressS += PROGRESS_EVERY_S;
    }
    if (elapsedS >= durationS) break;
    const untilNextSend = seq < total ? seq * intervalMs - elapsedMs : Infinity;
    await sleep(Math.max(1, Math.min(untilNextSend, 200)));
  }
  samples.push(phase.sample((performance.now() - start) / 1000));
  return { samples, maxLateMs };
}

/** Waits until nothing of the phase is outstanding; returns the seconds it took, or undefined at the limit. */
export async function waitForDrain(
  phase: Phase,
  limitS: number,
  progress: (line: string) => void,
  aborted: () => boolean,
): Promise<number | undefined> {
  const start = performance.now();
  let nextProgressS = PROGRESS_EVERY_S;
  while (phase.backlog() > 0 && !aborted()) {
    const elapsedS = (performance.now() - start) / 1000;
    if (elapsedS >= limitS) return undefined;
    if (elapsedS >= nextProgressS) {
      progress(`${progressLine(phase, elapsedS)}  (draining)`);
      nextProgressS += PROGRESS_EVERY_S;
    }
    await sleep(100);
  }
  return phase.backlog() > 0 ? undefined : (performance.now() - start) / 1000;
}
