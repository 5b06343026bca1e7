-- The API's rate-limit counters, shared by every API process (api/rate-limit-store.ts): one row per
-- limited key (an API key's name or a client address) and fixed one-minute window. The columns are the
-- ones rate-limiter-flexible's PostgreSQL store reads and writes; it would issue this CREATE TABLE itself
-- on start-up, but it runs with `tableCreated: true` so that the API never changes the schema at runtime.
--   points: requests counted in the current window;
--   expire: end of that window in Unix milliseconds of the API process that opened it (NULL: never).
-- Each API process deletes rows that expired over an hour ago every five minutes, so the table holds
-- roughly the clients of the last hour; no index on expire, which would slow every request's upsert to
-- speed up that rare sweep.
CREATE TABLE api_rate_limits (
  key    varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
