-- Orders seen by the fraud check: the velocity and first-order rules count a customer's orders here.
-- Contact data is deliberately not stored.
CREATE TABLE customer_orders (
  order_id    text PRIMARY KEY,
  customer_id text NOT NULL,
  total_minor bigint NOT NULL,
  currency    char(3) NOT NULL,
  placed_at   timestamptz NOT NULL
);
CREATE INDEX customer_orders_by_customer ON customer_orders (customer_id, placed_at);

-- One row per order and kind of mail: a retried notification activity sees the mail was already sent.
CREATE TABLE notifications (
  order_id   text NOT NULL,
  kind       text NOT NULL,
  message_id text NOT NULL,
  sent_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, kind)
);
