/**
 * Divergence: an idempotent write that finds a record of the same key with different content. A repeat
 * of a step writes what its first attempt wrote, so the same content is a duplicate and is skipped; a
 * different content means two runs of one saga decided differently, a broken promise that skipping would
 * hide (consumers would believe the first run). It is refused with a non-retryable failure naming both
 * records, and counted on `fc_divergent_writes_total` of the process's metrics.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Counter, Registry } from 'prom-client';

/** ApplicationFailure type of a refused divergent write (never retried: a retry would diverge again). */
export const DIVERGENT_WRITE = 'DivergentWrite';

/** Where the count lives: a registry of its own, which each process's metrics endpoint merges in. */
export const divergenceRegistry = new Registry();

const divergentWrites = new Counter({
  name: 'fc_divergent_writes_total',
  help: 'Idempotent writes refused because a record with the same key holds different content.',
  labelNames: ['record'] as const,
  registers: [divergenceRegistry],
});

/** Counts the divergence and returns the failure to throw. */
export function divergentWrite(record: string, key: string, existing: unknown, attempted: unknown) {
  divergentWrites.inc({ record });
  return ApplicationFailure.create({
    type: DIVERGENT_WRITE,
    message: `divergent ${record} ${key}: recorded ${JSON.stringify(existing)}, this attempt would write ${JSON.stringify(attempted)}`,
    nonRetryable: true,
    details: [{ record, key, existing, attempted }],
  });
}

/** Total refused so far in this process (tests read it). */
export async function divergentWriteCount(): Promise<number> {
  const { values } = await divergentWrites.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}
