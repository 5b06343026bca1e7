/** Kinds of customer mail; one is sent at most once per order and kind. */
export const NotificationKind = {
  confirmed: 'order_confirmed',
  cancelled: 'order_cancelled',
  rejected: 'order_rejected',
} as const;
export type NotificationKind = (typeof NotificationKind)[keyof typeof NotificationKind];
