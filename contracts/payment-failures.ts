/** ApplicationFailure types the payment activities raise (never retried). Free of zod: workflow code reads them. */
export const PaymentFailureType = {
  /** The provider refused a capture, void or refund for good (say, the authorization expired). */
  paymentRefused: 'PaymentRefused',
  /** A capture, void or refund for an order that has no authorized payment. */
  paymentMissing: 'PaymentMissing',
} as const;
