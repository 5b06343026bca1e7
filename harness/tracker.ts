/**
 * What happened to every unit of work a run offered (an order, a bare workflow): when it was sent,
 * accepted and settled, counted per phase so each step of the benchmark's peak search is judged on its
 * own (the chaos run offers its whole load as one phase).
 */

/** Cumulative counts of one phase, sampled about once a second from its start. */
export interface StepSample {
  atS: number;
  offered: number;
  failed: number;
  settled: number;
}

/** What a settlement fills in: the first outcome and when it arrived. */
export interface Settleable {
  outcome?: string;
  settledAt?: number;
}

/**
 * Matches settlements to acceptances by id, whichever arrives first: an event read from Kafka may outrun
 * the HTTP answer that names its order. Only the first outcome counts; later ones (redeliveries) are
 * ignored here, the audit counts them.
 */
export class Settlements<T extends Settleable> {
  private readonly byId = new Map<string, T>();
  private readonly early = new Map<string, { outcome: string; at: number }>();

  /** `onSettled` runs once per item, when its first outcome is recorded. */
  constructor(private readonly onSettled: (item: T) => void = () => undefined) {}

  accept(id: string, item: T): void {
    this.byId.set(id, item);
    const early = this.early.get(id);
    if (early) {
      this.early.delete(id);
      this.settle(id, early.outcome, early.at);
    }
  }

  settle(id: string, outcome: string, at: number): void {
    const item = this.byId.get(id);
    if (!item) {
      if (!this.early.has(id)) this.early.set(id, { outcome, at });
      return;
    }
    if (item.outcome !== undefined) return;
    item.outcome = outcome;
    item.settledAt = at;
    this.onSettled(item);
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  values(): T[] {
    return [...this.byId.values()];
  }
}

/** Counters of one phase (a warm-up, one peak step, the latency run, the chaos run's load). */
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
  private readonly units = new Settlements<Unit>((unit) => unit.phase.settled++);

  accept(id: string, kind: string, phase: Phase, sentAt: number, acceptedAt: number): void {
    phase.accepted++;
    this.units.accept(id, { id, kind, phase, sentAt, acceptedAt });
  }

  /** Records the first outcome of a unit; later ones (redeliveries) are ignored here, the audit counts them. */
  settle(id: string, outcome: string, at: number): void {
    this.units.settle(id, outcome, at);
  }

  get(id: string): Unit | undefined {
    return this.units.get(id);
  }

  all(): Unit[] {
    return this.units.values();
  }

  inPhase(phase: Phase): Unit[] {
    return this.all().filter((u) => u.phase === phase);
  }
}
