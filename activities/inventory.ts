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
import { inTransaction } from '../platform/database';

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

export function createInventoryActivities(pool: Pool) {
  /** Reserves every line or none; throws a non-retryable InsufficientStock failure listing the shortages. */
  async function reserveInventory(request: ReserveInventoryRequest): Promise<Reservation> {
    // Lock rows in SKU order so two orders touching the same SKUs cannot deadlock.
    const lines = [...request.lines].sort((a, b) => a.sku.localeCompare(b.sku));
    const client = await pool.connect();
    try {
      const outcome = await inTransaction(client, async () => {
        // Claiming the order id first serialises duplicates: a second attempt waits here, then sees the row.
        const claimed = await client.query(
          `INSERT INTO reservations (order_id, status) VALUES ($1, 'reserved') ON CONFLICT (order_id) DO NOTHING`,
          [request.orderId],
        );
        if (claimed.rowCount === 0) return { existing: true as const };
        const shortages: StockShortage[] = [];
        for (const line of lines) {
          const taken = await client.query(
            `UPDATE stock SET available = available - $2, updated_at = now() WHERE sku = $1 AND available >= $2`,
            [line.sku, line.quantity],
          );
          if (taken.rowCount === 1) continue;
          const current = await client.query<{ available: number }>(
            'SELECT available FROM stock WHERE sku = $1',
            [line.sku],
          );
          shortages.push({
            sku: line.sku,
            requested: line.quantity,
            available: current.rows[0]?.available ?? 0,
          });
        }
        if (shortages.length > 0) throw new ShortageSignal(shortages);
        for (const line of lines) {
          await client.query('INSERT INTO reservation_lines (order_id, sku, quantity) VALUES ($1, $2, $3)', [
            request.orderId,
            line.sku,
            line.quantity,
          ]);
        }
        return { existing: false as const };
      });
      const reservation = await readReservation(client, request.orderId);
      if (!reservation) throw new Error(`reservation of ${request.orderId} vanished after commit`);
      if (outcome.existing && reservation.status === 'released') {
        // Compensation already ran for this order (e.g. it was cancelled while this attempt was in flight).
        throw ApplicationFailure.create({
          type: InventoryFailureType.reservationReleased,
          message: `the reservation of order ${request.orderId} was already released`,
          nonRetryable: true,
        });
      }
      return reservation;
    } catch (err) {
      if (err instanceof ShortageSignal) {
        throw ApplicationFailure.create({
          type: InventoryFailureType.insufficientStock,
          message: `insufficient stock for ${err.shortages.map((s) => `${s.sku} (requested ${s.requested}, available ${s.available})`).join(', ')}`,
          nonRetryable: true,
          details: [err.shortages],
        });
      }
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Returns reserved stock. Releasing an order that has no reservation yet leaves a 'released' marker, so
   * a reserve attempt still in flight cannot take the stock afterwards.
   */
  async function releaseInventory(orderId: string): Promise<Reservation> {
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
      });
      const reservation = await readReservation(client, orderId);
      if (!reservation) throw new Error(`reservation of ${orderId} vanished after release`);
      return reservation;
    } finally {
      client.release();
    }
  }

  /** Makes the reservation final (the stock is sold). Committing twice is a no-op. */
  async function commitInventory(orderId: string): Promise<Reservation> {
    const updated = await pool.query<{ status: ReservationStatus }>(
      `UPDATE reservations SET status = 'committed', updated_at = now()
         WHERE order_id = $1 AND status IN ('reserved', 'committed') RETURNING status`,
      [orderId],
    );
    if (updated.rowCount === 0) {
      const existing = await readReservation(pool, orderId);
      throw ApplicationFailure.create({
        type: existing ? InventoryFailureType.reservationReleased : InventoryFailureType.reservationMissing,
        message: existing
          ? `order ${orderId} cannot be committed: its reservation was released`
          : `order ${orderId} has no reservation to commit`,
        nonRetryable: true,
      });
    }
    const reservation = await readReservation(pool, orderId);
    if (!reservation) throw new Error(`reservation of ${orderId} vanished after commit`);
    return reservation;
  }

  return { reserveInventory, releaseInventory, commitInventory };
}

/** Internal: aborts the reservation transaction when a line is short. */
class ShortageSignal extends Error {
  constructor(readonly shortages: StockShortage[]) {
    super('insufficient stock');
  }
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
