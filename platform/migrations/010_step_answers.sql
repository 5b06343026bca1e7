-- The first answer of each saga step of each order, written in the transaction of the step's own change.
-- A local activity chain re-runs from its start when its workflow task is retried (a worker killed
-- mid-task), and a regular activity runs again when its result was lost: a repeat of a step reads its
-- answer here and returns exactly that, never the current state of a row that later steps changed (a
-- payment captured since its authorization still answers the authorization `authorized`).
--   answer: {"returned": <the step's result>} or {"refused": {"type", "message", "details"}} for a
--   business refusal (short stock, a declined card) that the step raised as a non-retryable failure.
CREATE TABLE step_answers (
  order_id    text NOT NULL,
  step        text NOT NULL,
  -- json, not jsonb: a repeat reads back the very text the first attempt returned, keys in its order.
  answer      json NOT NULL,
  -- What the step was asked (the lines to reserve, the amount to authorize): a repeat asking something
  -- else under the same order is a divergence, refused, not answered.
  request     json,
  answered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, step)
);
