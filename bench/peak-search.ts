/** Steps the offered rate up until completions stop keeping pace, and reports the highest rate that held. */
import type { SearchOptions, StepVerdict, TriedStep } from './peak';
import { judgeStep, nextRate, peakOf } from './peak';
import type { PhaseResult, RunContext, Workload } from './phases';
import { runPhase } from './phases';
import { waitForDrain } from '../harness/load';

export interface PeakStep {
  result: PhaseResult;
  verdict: StepVerdict;
}

export interface PeakSearch {
  steps: PeakStep[];
  /** Highest sustainable offered rate, 0 if none held. */
  peak: number;
  /** The peak is --max-rate: the real ceiling is at least that, maybe higher. */
  capped: boolean;
}

export interface PeakSearchOptions extends SearchOptions {
  stepS: number;
  drainS: number;
}

// After a failed step the next one must start from an empty system, or it would inherit the backlog.
const RECOVERY_FACTOR = 4;

export async function searchPeak(
  workload: Workload,
  options: PeakSearchOptions,
  ctx: RunContext,
): Promise<PeakSearch> {
  const steps: PeakStep[] = [];
  const tried: TriedStep[] = [];
  for (
    let rate = nextRate(tried, options);
    rate !== undefined && !ctx.aborted();
    rate = nextRate(tried, options)
  ) {
    const result = await runPhase(
      workload,
      `peak step ${steps.length + 1}`,
      rate,
      options.stepS,
      options.drainS,
      ctx,
    );
    const verdict = judgeStep(rate, result.samples, result.drainS);
    steps.push({ result, verdict });
    tried.push({ rate, sustainable: verdict.sustainable });
    ctx.say(
      `[${result.phase.label}] ${verdict.sustainable ? 'sustainable' : `not sustainable: ${verdict.reasons.join('; ')}`}`,
    );
    if (result.drainS === undefined) {
      const recovered = await waitForDrain(
        result.phase,
        options.drainS * RECOVERY_FACTOR,
        ctx.say,
        ctx.aborted,
      );
      if (recovered === undefined) {
        ctx.say(`[${workload.name} peak search] the backlog does not drain; stopping the search here`);
        break;
      }
    }
  }
  const peak = peakOf(tried);
  return { steps, peak, capped: peak >= options.maxRate };
}
