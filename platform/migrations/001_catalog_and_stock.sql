-- Catalog and stock: prices in minor units so money never goes through floating point.
CREATE TABLE products (
  sku         text PRIMARY KEY CHECK (sku ~ '^[A-Z0-9][A-Z0-9._-]{0,63}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  price_minor bigint NOT NULL CHECK (price_minor >= 0),
  currency    char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- available can never go negative: the CHECK is the last line of defence against overselling.
CREATE TABLE stock (
  sku        text PRIMARY KEY REFERENCES products (sku),
  available  integer NOT NULL CHECK (available >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One reservation per order: the order id is the idempotency key of every inventory activity.
CREATE TABLE reservations (
  order_id   text PRIMARY KEY,
  status     text NOT NULL CHECK (status IN ('reserved', 'committed', 'released')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reservation_lines (
  order_id text NOT NULL REFERENCES reservations (order_id),
  sku      text NOT NULL REFERENCES products (sku),
  quantity integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, sku)
);
