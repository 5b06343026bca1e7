/**
 * The faults: kill -9 of one process, a pause while it stays dead, then its restart — a respawn for the
 * run's own workers, `bash stack/up <name>` for the stack's servers. `order-worker-mid-step` picks its
 * instant: MailDev is stopped (SIGSTOP) first, so the orders that reach their mail step hold their
 * workflow task open with the capture and the commit already made, and only then is the worker killed —
 * the instant that once turned confirmed orders into refunded rejections.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosServices } from './services';
import type { StackServer } from './stack-server';
import { stackServerPid } from '../harness/stack-servers';
import { killStackServer, startStackServer } from './stack-server';

export const faultKinds = [
  'order-worker',
  'order-worker-mid-step',
  'bridge-worker',
  'temporal',
  'kafka',
  'postgres',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** What each fault takes away, for --help. */
export const faultMeaning: Record<FaultKind, string> = {
  'order-worker': 'the sagas stop moving; Temporal hands their tasks to the respawned worker',
  'order-worker-mid-step':
    'killed while the mail step holds captured, committed orders open (MailDev stopped); they must stay confirmed',
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

// Long enough for orders under load to pass their capture and commit and stop at the mail step.
const HOLD_MAIL_MS = 3_000;

/** Stops MailDev, lets orders pile up in their mail step, kills the worker, resumes MailDev. */
async function killWorkerMidStep(services: ChaosServices, say: (line: string) => void): Promise<number> {
  const maildev = stackServerPid('maildev');
  if (maildev === undefined)
    throw new Error('maildev is not running (no live pid in .stack/run/maildev.pid)');
  process.kill(maildev, 'SIGSTOP');
  say(`[chaos] kill -STOP maildev (pid ${maildev}): mail steps hold their tasks open`);
  try {
    await sleep(HOLD_MAIL_MS);
    return await services.kill('order-worker');
  } finally {
    process.kill(maildev, 'SIGCONT');
  }
}

/** Kills, waits `downMs`, restarts; resolves once the process serves again. */
export async function injectFault(
  kind: FaultKind,
  services: ChaosServices,
  downMs: number,
  say: (line: string) => void,
): Promise<FaultRecord> {
  const pid = isServer(kind)
    ? await killStackServer(kind)
    : kind === 'order-worker-mid-step'
      ? await killWorkerMidStep(services, say)
      : await services.kill(kind);
  const killedAt = Date.now();
  say(`[chaos] kill -9 ${kind} (pid ${pid})`);
  await sleep(downMs);
  const restartAt = Date.now();
  if (isServer(kind)) await startStackServer(kind);
  else await services.respawn(kind === 'order-worker-mid-step' ? 'order-worker' : kind);
  const recoveredAt = Date.now();
  say(
    `[chaos] ${kind} is back ${((recoveredAt - killedAt) / 1000).toFixed(1)} s after the kill ` +
      `(restart took ${((recoveredAt - restartAt) / 1000).toFixed(1)} s)`,
  );
  return { kind, pid, killedAt, restartAt, recoveredAt };
}
