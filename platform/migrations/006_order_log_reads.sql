-- Reading one order's events from the outbox (the API's view of an order when its saga cannot answer the
-- status query in time) must not scan the table.
CREATE INDEX IF NOT EXISTS outbox_events_by_order ON outbox_events (message_key, position);
