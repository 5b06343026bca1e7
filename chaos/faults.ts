/**
 * The five faults: kill -9 of one process, a pause while it stays dead, then its restart — a respawn for
 * the run's own workers, `bash stack/up <name>` for the stack's servers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosServices } from './services';
import type { StackServer } from './stack-server';
import { killStackServer, startStackServer } from './stack-server';

export const faultKinds = ['order-worker', 'bridge-worker', 'temporal', 'kafka', 'postgres'] as const;
export type FaultKind = (typeof faultKinds)[number];

/** What each fault takes away, for --help. */
export const faultMeaning: Record<FaultKind, string> = {
  'order-worker': 'the sagas stop moving; Temporal hands their tasks to the respawned worker',
  'bridge-worker': 'the outbox relay stops; events wait in PostgreSQL',
  temporal: 'the API cannot start sagas; workers lose their server',
  kafka: 'events cannot be published; sagas go on',
  postgres: 'no reservations, idempotency keys or outbox writes',
};

export interface FaultRecord {
  kind: FaultKind;
  /** The killed process. */
  pid: number;
  killedAt: number;
  /** When the restart began (after the pause) and when the process served again. */
  restartAt: number;
  recoveredAt: number;
}

const isServer = (kind: FaultKind): kind is StackServer & FaultKind =>
  kind === 'temporal' || kind === 'kafka' || kind === 'postgres';

/** Kills, waits `downMs`, restarts; resolves once the process serves again. */
export async function injectFault(
  kind: FaultKind,
  services: ChaosServices,
  downMs: number,
  say: (line: string) => void,
): Promise<FaultRecord> {
  const pid = isServer(kind) ? await killStackServer(kind) : await services.kill(kind);
  const killedAt = Date.now();
  say(`[chaos] kill -9 ${kind} (pid ${pid})`);
  await sleep(downMs);
  const restartAt = Date.now();
  if (isServer(kind)) await startStackServer(kind);
  else await services.respawn(kind);
  const recoveredAt = Date.now();
  say(
    `[chaos] ${kind} is back ${((recoveredAt - killedAt) / 1000).toFixed(1)} s after the kill ` +
      `(restart took ${((recoveredAt - restartAt) / 1000).toFixed(1)} s)`,
  );
  return { kind, pid, killedAt, restartAt, recoveredAt };
}
