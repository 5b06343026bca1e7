/** A LIFO list of compensations, run in reverse in a scope that cancellation cannot interrupt. */
import { CancellationScope, log } from '@temporalio/workflow';

export interface CompensationOutcome {
  step: string;
  outcome: 'done' | 'failed';
  detail?: string;
}

export class Compensations {
  private readonly stack: { step: string; run: () => Promise<void> }[] = [];

  /** Register right before the step it undoes, so a step that half-happened is undone too. */
  add(step: string, run: () => Promise<void>): void {
    this.stack.push({ step, run });
  }

  /** Runs every compensation, newest first; one failing does not stop the others. */
  async runAll(): Promise<CompensationOutcome[]> {
    const outcomes: CompensationOutcome[] = [];
    await CancellationScope.nonCancellable(async () => {
      while (this.stack.length > 0) {
        const { step, run } = this.stack.pop()!;
        try {
          await run();
          outcomes.push({ step, outcome: 'done' });
        } catch (err) {
          const detail = err instanceof Error ? err.message : String(err);
          log.error('compensation failed', { step, error: detail });
          outcomes.push({ step, outcome: 'failed', detail });
        }
      }
    });
    return outcomes;
  }
}
