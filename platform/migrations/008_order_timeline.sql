-- What an order's timeline (GET /v1/orders/{orderId}/timeline) joins beside the saga's Temporal history.

-- Where the relay put each event on its primary topic (order events, or group events for a deal). Written
-- with published_at; a row sent again after a relay crash keeps the placement of its latest send.
ALTER TABLE outbox_events
  ADD COLUMN kafka_topic     text,
  ADD COLUMN kafka_partition integer,
  ADD COLUMN kafka_offset    bigint;

-- Each inbound command that touched an order, from the HTTP API or the Kafka command topic, with how it
-- ended. The id names the command across redeliveries (channel-qualified command id, idempotency key, or
-- request id), so a retried or redelivered command is recorded once.
CREATE TABLE order_commands (
  id              text PRIMARY KEY,
  order_id        text NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('http', 'kafka')),
  kind            text NOT NULL CHECK (kind IN ('submit', 'cancel', 'review_decision')),
  -- The person or system that asked (requestedBy, reviewer, or the API key for a submission).
  actor           text NOT NULL,
  -- The API key a request came with (HTTP only).
  api_key         text,
  outcome         text NOT NULL CHECK (outcome IN ('applied', 'refused')),
  reason          text,
  -- What the command asked for (cancellation reason, decision and note), for the reader.
  request         jsonb NOT NULL DEFAULT '{}',
  request_id      text,
  kafka_topic     text,
  kafka_partition integer,
  kafka_offset    bigint,
  received_at     timestamptz NOT NULL,
  answered_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX order_commands_by_order ON order_commands (order_id, received_at);
