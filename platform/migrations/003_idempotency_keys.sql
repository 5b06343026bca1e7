-- One row per (API key, Idempotency-Key): the body's hash and the priced lines the order was accepted with.
-- The row is written before the saga is started, and the workflow id is derived from the same two keys,
-- so a retry after a crash between the two starts the very same order (or finds it running).
-- Customer data (contact, address) is deliberately not stored; it comes from the identical retried body.
CREATE TABLE idempotency_keys (
  api_key_name    text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash    text NOT NULL,
  order_id        text NOT NULL UNIQUE,
  currency        char(3) NOT NULL,
  total_minor     bigint NOT NULL,
  lines           jsonb NOT NULL,
  placed_at       timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (api_key_name, idempotency_key)
);
