/**
 * Inventory on PostgreSQL. Every activity is one transaction keyed by the order id that records its
 * answer (activities/step-answers.ts): a retried or duplicated activity returns the first answer instead
 * of reserving, releasing or committing twice, or answering from what a later step made of the row.
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
import { writeToOutbox } from '../platform/outbox';
import { answerOnce } from './step-answers';

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

/** Refusals the inventory steps record as their answer (each raised again by every repeat). */
const inventoryRefusals = Object.values(InventoryFailureType);

function releasedAlready(orderId: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: InventoryFailureType.reservationReleased,
    message: `the reservation of order ${orderId} was already released`,
    nonRetryable: true,
  });
}

export function createInventoryActivities(pool: Pool) {
  /**
   * Reserves every line or none, and records the outcome with its events in the same transaction; throws a
   * non-retryable InsufficientStock failure listing the shortages. A repeat answers the first outcome: the
   * reservation as it was made (`reserved`, whatever the saga did with it since), or the same failure.
   */
  function reserveInventory(
    request: ReserveInventoryRequest & { events?: ReservationEvents },
  ): Promise<Reservation> {
    const { orderId, events } = request;
    // Lock rows in SKU order so two orders touching the same SKUs cannot deadlock.
    const lines = [...request.lines]
      .sort((a, b) => a.sku.localeCompare(b.sku))
      .map(({ sku, quantity }) => ({ sku, quantity }));
    return answerOnce(
      pool,
      orderId,
      'reserve',
      inventoryRefusals,
      async (client) => {
        const claimed = await client.query(
          `INSERT INTO reservations (order_id, status) VALUES ($1, 'reserved') ON CONFLICT (order_id) DO NOTHING`,
          [orderId],
        );
        if (claimed.rowCount === 0) {
          const existing = await readReservation(client, orderId);
          // A release came first (the order was cancelled before this step ran) and left its marker.
          if (existing?.status === 'released' && existing.lines.length === 0) throw releasedAlready(orderId);
          // Reserved before step answers were recorded (a saga running across the upgrade): that first
          // outcome, read from the rows it left.
          if (existing?.status === 'insufficient') {
            throw insufficientStock(orderId, await readShortages(client, orderId));
          }
          return { orderId, status: 'reserved', lines: existing?.lines ?? [] };
        }
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
          // Recorded as the answer, with the writes above: every repeat raises it again.
          throw insufficientStock(orderId, shortages);
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
        return { orderId, status: 'reserved', lines };
      },
      lines,
    );
  }

  /**
   * Returns reserved stock (inventory.released). Releasing an order that has no reservation yet leaves a
   * 'released' marker, so a reserve attempt still in flight cannot take the stock afterwards. A repeat
   * answers the reservation as this release left it.
   */
  function releaseInventory(orderId: string, releasedEvent?: EventStamp): Promise<Reservation> {
    return answerOnce(pool, orderId, 'release', inventoryRefusals, async (client) => {
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
      if (status === 'reserved') {
        await client.query(
          `UPDATE stock s SET available = s.available + l.quantity, updated_at = now()
             FROM reservation_lines l WHERE l.order_id = $1 AND l.sku = s.sku`,
          [orderId],
        );
        await client.query(
          `UPDATE reservations SET status = 'released', updated_at = now() WHERE order_id = $1`,
          [orderId],
        );
        // Written only by the transaction that gives the stock back.
        if (releasedEvent) {
          const { lines } = (await readReservation(client, orderId)) ?? { lines: [] };
          await writeToOutbox(client, [
            stampedOrderEvent(releasedEvent, 'inventory.released', { orderId, lines }),
          ]);
        }
      }
      const reservation = await readReservation(client, orderId);
      if (!reservation) throw new Error(`reservation of ${orderId} vanished during its release`);
      return reservation;
    });
  }

  /**
   * Makes the reservation final (the stock is sold), writing its events alongside. A repeat answers the
   * committed reservation, or the same refusal (released, missing).
   */
  function commitInventory(orderId: string, events: OrderEvent[] = []): Promise<Reservation> {
    return answerOnce(pool, orderId, 'commit', inventoryRefusals, async (client) => {
      const updated = await client.query(
        `UPDATE reservations SET status = 'committed', updated_at = now()
           WHERE order_id = $1 AND status IN ('reserved', 'committed')`,
        [orderId],
      );
      const reservation = await readReservation(client, orderId);
      if (updated.rowCount === 0) {
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
      await writeToOutbox(client, events);
      if (!reservation) throw new Error(`reservation of ${orderId} vanished during its commit`);
      return reservation;
    });
  }

  return { reserveInventory, releaseInventory, commitInventory };
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
