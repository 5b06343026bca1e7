/** What the benchmark must undo however it ends (Ctrl-C, an error): run last-in first-out, errors noted. */
export class Cleanup {
  private readonly steps: { what: string; undo: () => Promise<void> }[] = [];

  add(what: string, undo: () => Promise<void>): void {
    this.steps.push({ what, undo });
  }

  /** Runs and forgets the steps added since `mark` (all of them without one). */
  async run(mark = 0): Promise<void> {
    while (this.steps.length > mark) {
      const step = this.steps.pop();
      if (!step) break;
      try {
        await step.undo();
      } catch (err) {
        console.error(`[bench] ${step.what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  mark(): number {
    return this.steps.length;
  }
}
