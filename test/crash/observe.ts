/**
 * What one order of the crash-point matrix left behind, read from where each promise lives: the saga's
 * result (Temporal), its events (the outbox), its stock and reservation (PostgreSQL), its payment (our
 * record and the payment server's intent and refunds), its mail (MailDev) and the API's answer.
 */
import type { Pool } from 'pg';
import type Stripe from 'stripe';
import type { OrderSagaResult } from '../../contracts/order-messages';
import type { MailInbox } from '../support/mail-inbox';

export interface Observed {
  status: string;
  reason?: string;
  /** Event types in outbox order. */
  events: string[];
  /** Problems with the stream itself: gaps, duplicates, ids that do not follow the sequence. */
  streamProblems: string[];
  available: number;
  reservation?: string;
  payment?: string;
  /** The payment server's view: the intent's status and how many refunds it has. */
  provider?: { intent: string; refunds: number };
  /** Subjects of the customer's mails, the order id replaced by `{order}`. */
  mails: string[];
  apiStatus?: string;
}

export interface ObserveContext {
  pool: Pool;
  stripe: Stripe;
  inbox: MailInbox;
  /** GET /v1/orders/{orderId}'s status as the API answers it. */
  apiStatus(orderId: string): Promise<string | undefined>;
}

/** An order's (or a deal's) numbered stream in the outbox: its event types and what is wrong with it. */
export async function outboxStream(
  pool: Pool,
  orderId: string,
  stream = `order-${orderId}`,
): Promise<{ types: string[]; problems: string[] }> {
  const { rows } = await pool.query<{ id: string; type: string; sequence: number }>(
    `SELECT id, type, (event->>'sequence')::int AS sequence FROM outbox_events
      WHERE message_key = $1 AND id LIKE $2 ORDER BY position`,
    // The saga's numbered stream only (a watchdog's alert about the order is no part of it).
    [orderId, `${stream}:%`],
  );
  const problems: string[] = [];
  rows.forEach((row, i) => {
    if (row.sequence !== i + 1) problems.push(`event ${i + 1} has sequence ${row.sequence}`);
    if (row.id !== `${stream}:${row.sequence}`) problems.push(`event ${row.id} is not named by its sequence`);
  });
  return { types: rows.map((r) => r.type), problems };
}

async function providerView(stripe: Stripe, intentId: string | null | undefined) {
  if (!intentId) return undefined;
  const [intent, refunds] = await Promise.all([
    stripe.paymentIntents.retrieve(intentId),
    stripe.refunds.list({ payment_intent: intentId, limit: 10 }),
  ]);
  return { intent: intent.status, refunds: refunds.data.length };
}

export async function observe(
  ctx: ObserveContext,
  orderId: string,
  sku: string,
  email: string,
  result: OrderSagaResult,
): Promise<Observed> {
  const [stream, stock, reservation, payment, mails, apiStatus] = await Promise.all([
    outboxStream(ctx.pool, orderId),
    ctx.pool.query<{ available: number }>('SELECT available FROM stock WHERE sku = $1', [sku]),
    ctx.pool.query<{ status: string }>('SELECT status FROM reservations WHERE order_id = $1', [orderId]),
    ctx.pool.query<{ status: string; payment_intent_id: string | null }>(
      'SELECT status, payment_intent_id FROM payments WHERE order_id = $1',
      [orderId],
    ),
    ctx.inbox.to(email),
    ctx.apiStatus(orderId),
  ]);
  const provider = await providerView(ctx.stripe, payment.rows[0]?.payment_intent_id);
  return {
    status: result.status,
    // The path's SKU is the cell's own: named in a shortage's reason.
    ...(result.reason ? { reason: result.reason.replaceAll(sku, '{sku}') } : {}),
    events: stream.types,
    streamProblems: stream.problems,
    available: stock.rows[0]?.available ?? -1,
    ...(reservation.rows[0] ? { reservation: reservation.rows[0].status } : {}),
    ...(payment.rows[0] ? { payment: payment.rows[0].status } : {}),
    ...(provider ? { provider } : {}),
    mails: mails.map((m) => m.subject.replaceAll(orderId, '{order}')).sort(),
    ...(apiStatus ? { apiStatus } : {}),
  };
}

/** Statuses whose terminal event the stream must hold, in the saga's words. */
const terminalEvent: Record<string, string> = {
  confirmed: 'order.confirmed',
  rejected: 'order.rejected',
  cancelled: 'order.cancelled',
};

/**
 * How a crashed run differs from the path's run without a crash, and from the promises that hold on
 * every path: one capture and only for a confirmed order, stock back unless sold, the API agreeing.
 */
export function differences(observed: Observed, reference: Observed, stock: number): string[] {
  const found: string[] = [...observed.streamProblems];
  if (observed.status !== reference.status) found.push(`ended ${observed.status}, not ${reference.status}`);
  if (observed.reason !== reference.reason) {
    found.push(`reason "${observed.reason ?? ''}", not "${reference.reason ?? ''}"`);
  }
  if (observed.events.join() !== reference.events.join()) {
    found.push(`events ${observed.events.join(' ')} instead of ${reference.events.join(' ')}`);
  }
  const terminal = terminalEvent[observed.status];
  if (!terminal || !observed.events.includes(terminal)) found.push(`no ${terminal ?? 'terminal'} event`);
  const sold = observed.status === 'confirmed';
  if (observed.available !== (sold ? stock - 1 : stock)) {
    found.push(`${observed.available} in stock, not ${sold ? stock - 1 : stock}`);
  }
  if (observed.reservation === 'reserved') found.push('the unit is still reserved');
  if (sold !== (observed.payment === 'captured')) found.push(`payment ${observed.payment ?? 'none'}`);
  if (observed.provider) {
    if (observed.provider.refunds > 0) found.push(`${observed.provider.refunds} refund(s) at the provider`);
    if (sold !== (observed.provider.intent === 'succeeded')) {
      found.push(`the provider's intent is ${observed.provider.intent}`);
    }
  }
  if (observed.mails.join() !== reference.mails.join()) {
    found.push(`mails [${observed.mails.join('; ')}] instead of [${reference.mails.join('; ')}]`);
  }
  if (observed.apiStatus !== observed.status)
    found.push(`the API answers ${observed.apiStatus ?? 'nothing'}`);
  return found;
}
