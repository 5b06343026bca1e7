-- The transactional outbox: every domain event is inserted here in the same transaction as the state
-- change it describes, and the bridge worker's relay publishes it to Kafka. The event id
-- (order-<orderId>:<sequence>) is the primary key, so a retried step inserts nothing new.
CREATE TABLE outbox_events (
  -- Relay order. Within one order, events are written by steps that run one after another, so their
  -- positions rise with their sequence; across orders a late commit may carry a lower position, which is
  -- why the relay reads every unpublished row instead of a high-water mark.
  position     bigserial UNIQUE,
  id           text PRIMARY KEY,
  message_key  text NOT NULL,
  type         text NOT NULL,
  -- json, not jsonb: the message keeps the exact text (and key order) the producer wrote.
  event        json NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at timestamptz
);
CREATE INDEX outbox_events_pending ON outbox_events (position) WHERE published_at IS NULL;
CREATE INDEX outbox_events_published ON outbox_events (published_at) WHERE published_at IS NOT NULL;

-- Wake the relay at commit (NOTIFY is transactional); one notification per statement is enough.
CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_events', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify();

-- A reservation refused for short stock is recorded too (with the shortages), so a retried reserve step
-- returns the same outcome instead of trying again with whatever stock there is by then.
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check
  CHECK (status IN ('reserved', 'committed', 'released', 'insufficient'));
ALTER TABLE reservations ADD COLUMN shortages jsonb;

-- The fraud assessment of each order, recorded with its fraud.assessed event.
CREATE TABLE fraud_assessments (
  order_id    text PRIMARY KEY,
  decision    text NOT NULL CHECK (decision IN ('approve', 'review', 'reject')),
  score       integer NOT NULL,
  assessment  jsonb NOT NULL,
  assessed_at timestamptz NOT NULL DEFAULT now()
);
