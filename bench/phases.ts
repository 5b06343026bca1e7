/** One phase of load at a fixed rate (warm-up, a peak-search step, the latency run), then its drain. */
import type { OpenLoopResult } from '../harness/load';
import { runOpenLoop, waitForDrain } from '../harness/load';
import { Phase } from '../harness/tracker';

/** Something the benchmark can offer at a rate: saga orders or bare workflows. */
export interface Workload {
  name: string;
  /** What one unit is called in the report ("orders", "workflows"). */
  unit: string;
  /** Offers one unit; records acceptance or failure on the phase and never rejects. */
  submit(phase: Phase): Promise<void>;
}

export interface RunContext {
  say: (line: string) => void;
  /** True once the run must stop (Ctrl-C, a service died). */
  aborted: () => boolean;
}

export interface PhaseResult extends OpenLoopResult {
  phase: Phase;
  durationS: number;
  /** Seconds from the end of the load until nothing was outstanding; undefined if not within the limit. */
  drainS: number | undefined;
}

export async function runPhase(
  workload: Workload,
  label: string,
  rate: number,
  durationS: number,
  drainLimitS: number,
  ctx: RunContext,
): Promise<PhaseResult> {
  const phase = new Phase(`${workload.name} ${label} @ ${rate}/s`, rate);
  ctx.say(`[${phase.label}] ${durationS} s of open-loop load`);
  const loop = await runOpenLoop({
    phase,
    durationS,
    submit: () => workload.submit(phase),
    progress: ctx.say,
    aborted: ctx.aborted,
  });
  const drainS = await waitForDrain(phase, drainLimitS, ctx.say, ctx.aborted);
  ctx.say(
    drainS === undefined
      ? `[${phase.label}] still ${phase.backlog()} outstanding after ${drainLimitS} s`
      : `[${phase.label}] drained in ${drainS.toFixed(1)} s: ${phase.settled} settled, ${phase.failed} failed`,
  );
  return { ...loop, phase, durationS, drainS };
}
