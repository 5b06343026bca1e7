/**
 * The event types each saga path writes, in order: one list per path, so the tests of the real stack and
 * of the time-skipping server expect the very same stream.
 */
const reserved = ['order.created', 'inventory.reserved', 'fraud.assessed'] as const;
const held = [...reserved, 'order.review_required'] as const;

export const pathEvents = {
  confirmed: [...reserved, 'order.confirmed', 'notification.sent'],
  approvedInReview: [...held, 'order.review_decided', 'order.confirmed', 'notification.sent'],
  rejectedInReview: [
    ...held,
    'order.review_decided',
    'inventory.released',
    'order.rejected',
    'notification.sent',
  ],
  cancelledInReview: [...held, 'inventory.released', 'order.cancelled', 'notification.sent'],
} as const;

/** The same paths for an order paid by card: authorized after the reservation, captured at confirmation. */
const paid = ['order.created', 'inventory.reserved', 'payment.authorized', 'fraud.assessed'] as const;
export const paidPathEvents = {
  confirmed: [...paid, 'payment.captured', 'order.confirmed', 'notification.sent'],
  declined: [
    'order.created',
    'inventory.reserved',
    'payment.declined',
    'inventory.released',
    'order.rejected',
    'notification.sent',
  ],
  cancelledInReview: [
    ...paid,
    'order.review_required',
    'payment.voided',
    'inventory.released',
    'order.cancelled',
    'notification.sent',
  ],
} as const;
