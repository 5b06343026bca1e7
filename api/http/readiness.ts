/** Readiness: can this process reach Temporal, Kafka and PostgreSQL right now? */
import type { Client } from '@temporalio/client';
import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';

export type DependencyName = 'temporal' | 'kafka' | 'postgres';
export type DependencyCheck = () => Promise<void>;

export function readinessChecks(deps: {
  temporal: Client;
  kafkaAdmin: Admin;
  pool: Pool;
}): Record<DependencyName, DependencyCheck> {
  return {
    temporal: async () => {
      await deps.temporal.workflowService.getSystemInfo({});
    },
    kafka: async () => {
      await deps.kafkaAdmin.describeCluster();
    },
    postgres: async () => {
      await deps.pool.query('SELECT 1');
    },
  };
}

/** Runs every check with a timeout; a check that hangs counts as down. */
export async function checkReadiness(
  checks: Record<string, DependencyCheck>,
  timeoutMs = 2000,
): Promise<{ ready: boolean; dependencies: Record<string, { ok: boolean; error?: string }> }> {
  const entries: (readonly [string, { ok: boolean; error?: string }])[] = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { ok: true }] as const;
      } catch (err) {
        return [name, { ok: false, error: err instanceof Error ? err.message : String(err) }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const dependencies: Record<string, { ok: boolean; error?: string }> = Object.fromEntries(entries);
  return { ready: entries.every(([, r]) => r.ok), dependencies };
}
