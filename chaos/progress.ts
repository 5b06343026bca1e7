/**
 * The live display: on a terminal one status line redrawn in place (with event lines scrolling above
 * it), elsewhere (a log, a test) a status line every few seconds.
 */
import type { OrderLedger } from './ledger';

const PLAIN_EVERY_MS = 5_000;
const REDRAW_EVERY_MS = 500;

export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private lastPlain = 0;
  private drawn = false;
  /** What the run is doing right now ("kill -9 kafka, down 3 s" …). */
  stage = 'starting';

  constructor(
    private readonly ledger: OrderLedger,
    private readonly startedAt: number,
    private readonly out: NodeJS.WriteStream | { isTTY?: boolean; write: (s: string) => unknown },
  ) {}

  private status(): string {
    const c = this.ledger.counts();
    const s = ((Date.now() - this.startedAt) / 1000).toFixed(0).padStart(4);
    return (
      `[chaos] ${s} s  offered ${c.offered}  accepted ${c.accepted}  submitting ${c.submitting}` +
      `  settled ${c.settled}  backlog ${c.offered - c.settled - c.gaveUp}  | ${this.stage}`
    );
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.out.isTTY ? REDRAW_EVERY_MS : 1_000);
    this.timer.unref();
  }

  private tick(): void {
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${this.status()}`);
      this.drawn = true;
    } else if (Date.now() - this.lastPlain >= PLAIN_EVERY_MS) {
      this.lastPlain = Date.now();
      this.out.write(`${this.status()}\n`);
    }
  }

  /** An event line; on a terminal it goes above the status line. */
  say(line: string): void {
    if (this.out.isTTY && this.drawn) this.out.write('\r\x1b[2K');
    this.out.write(`${line}\n`);
    if (this.out.isTTY && this.drawn) this.out.write(this.status());
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.out.isTTY && this.drawn) this.out.write(`\r\x1b[2K${this.status()}\n`);
    this.drawn = false;
  }
}
