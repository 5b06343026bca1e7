/**
 * How many events each saga step writes to the outbox, read from the step's answer. The workflows move
 * their event numbering on by exactly these counts (workflows/event-sequence.ts), and
 * test/activities/step-events.test.ts runs every step on PostgreSQL and fails when a step writes another
 * number of events than its entry here says: a step that writes one more event must say so here, or the
 * numbering would skip or collide. Plain values and types only: workflow code imports it.
 */
import type { Reservation } from './inventory';

export const eventsWrittenBy = {
  /** order.created, then inventory.reserved or inventory.insufficient: a shortage writes both too. */
  reserveInventory: (): number => 2,
  /** inventory.released, by the release that gave stock back (a released reservation with lines). */
  releaseInventory: (released: Pick<Reservation, 'status' | 'lines'>): number =>
    released.status === 'released' && released.lines.length > 0 ? 1 : 0,
  /** order.confirmed (the events the saga hands it). */
  commitInventory: (events: readonly unknown[]): number => events.length,
  /** payment.authorized or payment.declined. */
  authorizePayment: (): number => 1,
  /** payment.captured. */
  capturePayment: (): number => 1,
  /** payment.voided or payment.refunded, when there was a payment to undo. */
  voidPayment: (undo: { undone: boolean }): number => (undo.undone ? 1 : 0),
  /** fraud.assessed. */
  assessFraud: (): number => 1,
  /** notification.sent. */
  sendOrderNotification: (): number => 1,
  /** The events of a transition without a database change of its own, as many as it is given. */
  recordOrderEvents: (events: readonly unknown[]): number => events.length,
} as const;
