-- Orders the API has accepted (202) whose saga is not started yet: the start outbox. The API answers once
-- the row is written with the order's idempotency key, in one statement, and starts the saga right after;
-- a row left behind (the API died in between, Temporal was down) is started by any API's sweeper. The
-- workflow id is derived from the order id, so a start repeated by two of them finds the running saga.
-- The row holds the whole saga input, customer contact and address included, only until the saga has it:
-- it is deleted once started, so PostgreSQL keeps no customer data beyond the moments in between.
CREATE TABLE saga_start_outbox (
  order_id     text PRIMARY KEY REFERENCES idempotency_keys (order_id),
  submitted_by text NOT NULL,
  saga_input   jsonb NOT NULL,
  accepted_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX saga_start_outbox_by_age ON saga_start_outbox (accepted_at);
