/** A wake-up call for a loop that sleeps: `wait` resolves on `wake` or after the timeout, whichever is first. */
export class WakeSignal {
  private pending = false;
  private resolveWait: (() => void) | undefined;

  /** Wakes the current wait, or makes the next one return at once (a wake-up is never lost). */
  wake(): void {
    this.pending = true;
    this.resolveWait?.();
  }

  async wait(timeoutMs: number): Promise<void> {
    if (!this.pending) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.resolveWait?.(), timeoutMs);
        this.resolveWait = () => {
          clearTimeout(timer);
          this.resolveWait = undefined;
          resolve();
        };
      });
    }
    this.pending = false;
  }
}
