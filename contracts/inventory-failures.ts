/** ApplicationFailure types the inventory activities raise for business outcomes (never retried). */
export const InventoryFailureType = {
  insufficientStock: 'InsufficientStock',
  reservationReleased: 'ReservationReleased',
  reservationCommitted: 'ReservationCommitted',
  reservationMissing: 'ReservationMissing',
} as const;
