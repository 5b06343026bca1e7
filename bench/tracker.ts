/**
 * What happened to every unit of work (an order or a bare workflow) the benchmark offered: when it was
 * sent, accepted and settled, counted per phase so each step of the peak search is judged on its own.
 */
import type { StepSample } from './peak';

/** Counters of one phase (warm-up, one peak step, the latency run). */
export class Phase {
  offered = 0;
  accepted = 0;
  failed = 0;
  settled = 0;
  /** Failed submissions by cause (HTTP status or error name). */
  readonly failures = new Map<string, number>();

  constructor(
    readonly label: string,
    readonly rate: number,
  ) {}

  /** Offered and neither failed nor settled yet: in flight over HTTP or in the saga. */
  backlog(): number {
    return this.offered - this.failed - this.settled;
  }

  fail(cause: string): void {
    this.failed++;
    this.failures.set(cause, (this.failures.get(cause) ?? 0) + 1);
  }

  sample(atS: number): StepSample {
    return { atS, offered: this.offered, failed: this.failed, settled: this.settled };
  }
}

export interface Unit {
  id: string;
  /** Which path it was built for (order mix) or the workload name. */
  kind: string;
  phase: Phase;
  sentAt: number;
  acceptedAt: number;
  settledAt?: number;
  outcome?: string;
}

/** Units by id across all phases; a settlement may arrive before the acceptance it belongs to. */
export class UnitRegistry {
  private readonly units = new Map<string, Unit>();
  private readonly early = new Map<string, { outcome: string; at: number }>();

  accept(id: string, kind: string, phase: Phase, sentAt: number, acceptedAt: number): void {
    const unit: Unit = { id, kind, phase, sentAt, acceptedAt };
    this.units.set(id, unit);
    phase.accepted++;
    const early = this.early.get(id);
    if (early) {
      this.early.delete(id);
      this.settle(id, early.outcome, early.at);
    }
  }

  /** Records the first outcome of a unit; later ones (redeliveries) are ignored here, the audit counts them. */
  settle(id: string, outcome: string, at: number): void {
    const unit = this.units.get(id);
    if (!unit) {
      if (!this.early.has(id)) this.early.set(id, { outcome, at });
      return;
    }
    if (unit.outcome !== undefined) return;
    unit.outcome = outcome;
    unit.settledAt = at;
    unit.phase.settled++;
  }

  get(id: string): Unit | undefined {
    return this.units.get(id);
  }

  all(): Unit[] {
    return [...this.units.values()];
  }

  inPhase(phase: Phase): Unit[] {
    return this.all().filter((u) => u.phase === phase);
  }
}
