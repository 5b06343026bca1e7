/**
 * Records the order requests of the HTTP API in the order command log (platform/order-command-log.ts):
 * submissions once started, cancellations and review decisions with how they ended. A request that never
 * reached an order (unknown order, invalid body, an outage answered 503) is not recorded.
 */
import type { Response } from 'express';
import type { CommandKind } from '../../contracts/http-timeline';
import type { OrderCommandLog } from '../../platform/order-command-log';
import type { Principal } from '../http/auth';
import { ForbiddenError, OrderClosedError, OrderUpdateRefusedError } from '../http/errors';

export interface OrderRequest {
  kind: CommandKind;
  orderId: string;
  principal: Principal;
  /** Who asked, as the request names them (requestedBy, reviewer); the API key's name otherwise. */
  actor?: string;
  request: Record<string, unknown>;
  idempotencyKey?: string | undefined;
  res: Response;
  /**
   * Answer without waiting for the log row. Submissions, the hot path, do: the row follows a moment later,
   * and a crash in that moment costs the timeline one entry, never the order (Temporal has the saga).
   */
  recordInBackground?: boolean;
}

/** A final refusal of this order (as opposed to a fault the client should retry). */
function isFinalOrderRefusal(err: unknown): err is Error {
  return (
    err instanceof OrderUpdateRefusedError || err instanceof OrderClosedError || err instanceof ForbiddenError
  );
}

/**
 * The command's id in the log: its idempotency key (scoped by key name, kind and order, as the API
 * scopes it) when it has one, so a retried request is recorded once; else its request id.
 */
function commandId(r: OrderRequest): string {
  if (r.idempotencyKey) return `http:${r.kind}:${r.principal.name}:${r.orderId}:${r.idempotencyKey}`;
  return `http:request:${String(r.res.get('X-Request-Id'))}`;
}

/** Runs the request's command and records how it ended; the command's outcome (or error) is returned as is. */
export async function recordedOrderRequest<T>(
  log: OrderCommandLog,
  r: OrderRequest,
  command: () => Promise<T>,
): Promise<T> {
  const receivedAt = new Date();
  const entry = {
    id: commandId(r),
    orderId: r.orderId,
    channel: 'http' as const,
    kind: r.kind,
    actor: r.actor ?? r.principal.name,
    apiKey: r.principal.name,
    request: r.request,
    requestId: String(r.res.get('X-Request-Id')),
    receivedAt,
  };
  try {
    const result = await command();
    const recorded = log.record({ ...entry, outcome: 'applied' });
    if (!r.recordInBackground) await recorded;
    return result;
  } catch (err) {
    if (isFinalOrderRefusal(err)) await log.record({ ...entry, outcome: 'refused', reason: err.message });
    throw err;
  }
}
