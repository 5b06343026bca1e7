-- One payment per order, as the payment steps recorded it. The provider holds the money; this row is what
-- the saga was told, written in the transaction of the payment event, so a retried step reads back its
-- first answer instead of asking again, and the event and the row never disagree. `authorizing` holds the
-- PaymentIntent created for the order before it is confirmed: every attempt confirms that one intent, so
-- a retry can never charge twice, even with a provider that ignores idempotency keys.
CREATE TABLE payments (
  order_id          text PRIMARY KEY,
  status            text NOT NULL CHECK (status IN ('authorizing', 'authorized', 'declined', 'captured', 'voided', 'refunded')),
  payment_intent_id text,
  amount_minor      bigint NOT NULL CHECK (amount_minor >= 0),
  currency          text NOT NULL,
  decline_code      text,
  reason            text,
  refund_id         text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
