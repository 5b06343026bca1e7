/**
 * Inventory on PostgreSQL. Every activity is one transaction keyed by the order id, so a retried or
 * duplicated activity returns the existing outcome instead of reserving, releasing or committing twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import { InventoryFailureType } from '../contracts/inventory';
import type {
  Reservation,
  ReservationStatus,
  ReserveInventoryRequest,
  StockShortage,
} from '../contracts/inventory';
import { stampedOrderEvent } from '../contracts/events';
import type { EventStamp, OrderEvent } from '../contracts/events';
import { inTransaction } from '../platform/database';
import { writeToOutbox } from '../platform/outbox';

async function readShortages(client: PoolClient, orderId: string): Promise<StockShortage[]> {
  const { rows } = await client.query<{ shortages: StockShortage[] }>(
    'SELECT shortages FROM reservations WHERE order_id = $1',
    [orderId],
  );
  return rows[0]?.shortages ?? [];
}

async function readReservation(client: PoolClient | Pool, orderId: string): Promise<Reservation | undefined> {
  const head = await client.query<{ status: ReservationStatus }>(
    'SELECT status FROM reservations WHERE order_id = $1',
    [orderId],
  );
  const status = head.rows[0]?.status;
  if (!status) return undefined;
  const lines = await client.query<{ sku: string; quantity: number }>(
    'SELECT sku, quantity FROM reservation_lines WHERE order_id = $1 ORDER BY sku',
    [orderId],
  );
  return { orderId, status, lines: lines.rows };
}

/** Events the reservation writes in its own transaction (absent for sagas started before the outbox). */
export interface ReservationEvents {
  /** order.created, complete: the workflow knows all of it. */
  created: OrderEvent;
  /** Becomes inventory.reserved or inventory.insufficient, whichever the stock decides. */
  outcome: EventStamp;
}

function insufficientStock(orderId: string, shortages: StockShortage[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: InventoryFailureType.insufficientStock,
    message: `insufficient stock for ${shortages.map((s) => `${s.sku} (requested ${s.requested}, available ${s.available})`).join(', ')}`,
    nonRetryable: true,
    details: [shortages],
  });
}

export function createInventoryActivities(pool: Pool) {
  /**
   * Reserves every line or none, and records the outcome with its events in the same transaction; throws a
   * non-retryable InsufficientStock failure listing the shortages. A retry returns the recorded outcome.
   */
  async function reserveInventory(
    request: ReserveInventoryRequest & { events?: ReservationEvents },
  ): Promise<Reservation> {
    const { orderId, events } = request;
    // Lock rows in SKU order so two orders touching the same SKUs cannot deadlock.
    const lines = [...request.lines].sort((a, b) => a.sku.localeCompare(b.sku));
    const client = await pool.connect();
    try {
      const existing = await inTransaction(client, async () => {
        // Claiming the order id first serialises duplicates: a second attempt waits here, then sees the row.
        const claimed = await client.query(
          `INSERT INTO reservations (order_id, status) VALUES ($1, 'reserved') ON CONFLICT (order_id) DO NOTHING`,
          [orderId],
        );
        if (claimed.rowCount === 0) return true;
        const stock = await client.query<{ sku: string; available: number }>(
          'SELECT sku, available FROM stock WHERE sku = ANY($1) ORDER BY sku FOR UPDATE',
          [lines.map((l) => l.sku)],
        );
        const available = new Map(stock.rows.map((r) => [r.sku, r.available]));
        const shortages: StockShortage[] = lines
          .filter((l) => (available.get(l.sku) ?? 0) < l.quantity)
          .map((l) => ({ sku: l.sku, requested: l.quantity, available: available.get(l.sku) ?? 0 }));
        if (shortages.length > 0) {
          await client.query(
            `UPDATE reservations SET status = 'insufficient', shortages = $2, updated_at = now() WHERE order_id = $1`,
            [orderId, JSON.stringify(shortages)],
          );
          if (events) {
            await writeToOutbox(client, [
              events.created,
              stampedOrderEvent(events.outcome, 'inventory.insufficient', { orderId, shortages }),
            ]);
          }
          return false;
        }
        for (const line of lines) {
          await client.query(
            'UPDATE stock SET available = available - $2, updated_at = now() WHERE sku = $1',
            [line.sku, line.quantity],
          );
          await client.query('INSERT INTO reservation_lines (order_id, sku, quantity) VALUES ($1, $2, $3)', [
            orderId,
            line.sku,
            line.quantity,
          ]);
        }
        if (events) {
          await writeToOutbox(client, [
            events.created,
            stampedOrderEvent(events.outcome, 'inventory.reserved', { orderId, lines }),
          ]);
        }
        return false;
      });
      const reservation = await readReservation(client, orderId);
      if (!reservation) throw new Error(`reservation of ${orderId} vanished after commit`);
      if (reservation.status === 'insufficient') {
        throw insufficientStock(orderId, await readShortages(client, orderId));
      }
      if (existing && reservation.status === 'released') {
        // Compensation already ran for this order (e.g. it was cancelled while this attempt was in flight).
        throw ApplicationFailure.create({
          type: InventoryFailureType.reservationReleased,
          message: `the reservation of order ${orderId} was already released`,
          nonRetryable: true,
        });
      }
      return reservation;
    } finally {
      client.release();
    }
  }

  /**
   * Returns reserved stock. Releasing an order that has no reservation yet leaves a 'released' marker, so
   * a reserve attempt still in flight cannot take the stock afterwards.
   */
  async function releaseInventory(orderId: string, releasedEvent?: EventStamp): Promise<Reservation> {
    const client = await pool.connect();
    try {
      await inTransaction(client, async () => {
        await client.query(
          `INSERT INTO reservations (order_id, status) VALUES ($1, 'released') ON CONFLICT (order_id) DO NOTHING`,
          [orderId],
        );
        const head = await client.query<{ status: ReservationStatus }>(
          'SELECT status FROM reservations WHERE order_id = $1 FOR UPDATE',
          [orderId],
        );
        const status = head.rows[0]?.status;
        if (status === 'committed') {
          throw ApplicationFailure.create({
            type: InventoryFailureType.reservationCommitted,
            message: `order ${orderId} is committed; its stock cannot be released`,
            nonRetryable: true,
          });
        }
        if (status !== 'reserved') return;
        await client.query(
          `UPDATE stock s SET available = s.available + l.quantity, updated_at = now()
             FROM reservation_lines l WHERE l.order_id = $1 AND l.sku = s.sku`,
          [orderId],
        );
        await client.query(
          `UPDATE reservations SET status = 'released', updated_at = now() WHERE order_id = $1`,
          [orderId],
        );
        // Written only by the transaction that gives the stock back, so a retried release writes nothing.
        if (releasedEvent) {
          const { lines } = (await readReservation(client, orderId)) ?? { lines: [] };
          await writeToOutbox(client, [
            stampedOrderEvent(releasedEvent, 'inventory.released', { orderId, lines }),
          ]);
        }
      });
      const reservation = await readReservation(client, orderId);
      if (!reservation) throw new Error(`reservation of ${orderId} vanished after release`);
      return reservation;
    } finally {
      client.release();
    }
  }

  /** Makes the reservation final (the stock is sold), writing its events alongside. Committing twice is a no-op. */
  async function commitInventory(orderId: string, events: OrderEvent[] = []): Promise<Reservation> {
    const client = await pool.connect();
    try {
      const committed = await inTransaction(client, async () => {
        const updated = await client.query(
          `UPDATE reservations SET status = 'committed', updated_at = now()
             WHERE order_id = $1 AND status IN ('reserved', 'committed')`,
          [orderId],
        );
        if (updated.rowCount === 0) return false;
        await writeToOutbox(client, events);
        return true;
      });
      const reservation = await readReservation(client, orderId);
      if (!committed) {
        throw ApplicationFailure.create({
          type: reservation
            ? InventoryFailureType.reservationReleased
            : InventoryFailureType.reservationMissing,
          message: reservation
            ? `order ${orderId} cannot be committed: its reservation is ${reservation.status}`
            : `order ${orderId} has no reservation to commit`,
          nonRetryable: true,
        });
      }
      if (!reservation) throw new Error(`reservation of ${orderId} vanished after commit`);
      return reservation;
    } finally {
      client.release();
    }
  }

  return { reserveInventory, releaseInventory, commitInventory };
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
