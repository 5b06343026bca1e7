/** Inventory reservations held in PostgreSQL, one per order. */
import { z } from 'zod';
import { Sku } from './order';

/** `insufficient`: the order asked for more than there was; nothing is held (the shortages are recorded). */
export const ReservationStatus = z.enum(['reserved', 'committed', 'released', 'insufficient']);
export type ReservationStatus = z.infer<typeof ReservationStatus>;

export const ReservationLine = z.object({ sku: Sku, quantity: z.number().int().positive() });

export const Reservation = z.object({
  orderId: z.string(),
  status: ReservationStatus,
  lines: z.array(ReservationLine),
});
export type Reservation = z.infer<typeof Reservation>;

export const StockShortage = z.object({
  sku: Sku,
  requested: z.number().int().positive(),
  available: z.number().int().nonnegative(),
});
export type StockShortage = z.infer<typeof StockShortage>;

export const ReserveInventoryRequest = z.object({
  orderId: z.string(),
  lines: z.array(ReservationLine).min(1),
});
export type ReserveInventoryRequest = z.infer<typeof ReserveInventoryRequest>;

export { InventoryFailureType } from './inventory-failures';
