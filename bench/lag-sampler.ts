/**
 * Samples, every few seconds, the figures that show whether consumers keep up: n8n's consumer lag and
 * the bridge's outbox backlog. Failures (a broker outage, no metrics) are recorded, never thrown.
 */
import type { Admin } from 'kafkajs';
import type { KafkaTrigger, Lag } from './n8n-lag';
import { consumerLag } from './n8n-lag';
import type { OutboxReading } from '../harness/outbox-metrics';
import { readOutbox } from '../harness/outbox-metrics';

export interface Series<T> {
  max: T | undefined;
  last: T | undefined;
  error: string | undefined;
}

const SAMPLE_EVERY_MS = 5000;

export class LagSampler {
  readonly n8n = new Map<string, Series<Lag>>();
  readonly outbox: Series<OutboxReading> = { max: undefined, last: undefined, error: undefined };
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly admin: Admin,
    readonly triggers: readonly KafkaTrigger[],
    private readonly metricsUrl: string,
  ) {
    for (const t of triggers) this.n8n.set(t.groupId, { max: undefined, last: undefined, error: undefined });
  }

  start(): void {
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One sample of everything (skipped if the previous one is still waiting on a slow broker). */
  async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await Promise.all([...this.triggers.map((t) => this.sampleTrigger(t)), this.sampleOutbox()]);
    } finally {
      this.busy = false;
    }
  }

  private async sampleTrigger(trigger: KafkaTrigger): Promise<void> {
    const series = this.n8n.get(trigger.groupId);
    if (!series) return;
    try {
      const lag = await consumerLag(this.admin, trigger);
      series.last = lag;
      series.error = undefined;
      if (!series.max || lag.messages > series.max.messages) series.max = lag;
    } catch (err) {
      series.error = err instanceof Error ? err.message : String(err);
    }
  }

  private async sampleOutbox(): Promise<void> {
    const reading = await readOutbox(this.metricsUrl);
    if ('error' in reading) {
      this.outbox.error = reading.error;
      return;
    }
    this.outbox.last = reading;
    this.outbox.error = undefined;
    const max = this.outbox.max;
    this.outbox.max = {
      pendingRows: Math.max(max?.pendingRows ?? 0, reading.pendingRows ?? 0),
      oldestPendingAgeS: Math.max(max?.oldestPendingAgeS ?? 0, reading.oldestPendingAgeS ?? 0),
    };
  }

  /** Samples until every n8n group has caught up (or the limit passes), for the "final" figures. */
  async settle(limitS: number): Promise<void> {
    const deadline = Date.now() + limitS * 1000;
    for (;;) {
      await this.sample();
      const caughtUp = [...this.n8n.values()].every((s) => s.last !== undefined && s.last.messages === 0);
      if (caughtUp || Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}
