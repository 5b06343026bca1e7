/**
 * Where the API counts requests against the rate limit: rate-limiter-flexible's PostgreSQL store, so every
 * API process spends from the same budget per key (with N processes, N times the limit otherwise).
 *
 * A store outage must neither fail requests nor hold them: a store query that fails, or that has not
 * answered within `timeoutMs`, is decided by a limiter in this process's memory with the same limit. During
 * an outage each process therefore limits on its own (at most N times the limit across N processes, as
 * before the shared store); its counts are not copied back once PostgreSQL answers again.
 */
import type { Pool } from 'pg';
import { RLWrapperTimeouts, RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import type { RateLimiterRes } from 'rate-limiter-flexible';

/** Created by migration 005, so the library never issues DDL from a running API. */
export const RATE_LIMIT_TABLE = 'api_rate_limits';

/** Far above an upsert's few milliseconds on a loaded database, yet short enough not to hold a request long. */
export const STORE_TIMEOUT_MS = 500;

// The limit is per minute: a fixed window that opens with a key's first request.
const WINDOW_SECONDS = 60;
const KEY_PREFIX = 'api';

/** Spends one request of a key's budget: resolves with what is left, rejects with a RateLimiterRes when none is. */
export interface RateLimitStore {
  consume(key: string): Promise<RateLimiterRes>;
}

export interface RateLimitStoreOptions {
  perMinute: number;
  /** The API's pool; only `query` is used. */
  pool: Pick<Pool, 'query'>;
  timeoutMs?: number;
}

export function createRateLimitStore({
  perMinute,
  pool,
  timeoutMs = STORE_TIMEOUT_MS,
}: RateLimitStoreOptions): RateLimitStore {
  const shared = new RateLimiterPostgres({
    storeClient: pool,
    // Named explicitly: the library otherwise guesses the client kind from its constructor's name.
    storeType: 'pool',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    keyPrefix: KEY_PREFIX,
    points: perMinute,
    duration: WINDOW_SECONDS,
    // A key that has spent its budget is refused from memory until its window ends, so a client that keeps
    // hammering after its 429 costs the database nothing.
    inMemoryBlockOnConsumed: perMinute,
  });
  // The fallback belongs to the timeout wrapper only: given to the store as well, a query that times out
  // and later fails would be counted in it twice.
  const fallback = new RateLimiterMemory({
    keyPrefix: KEY_PREFIX,
    points: perMinute,
    duration: WINDOW_SECONDS,
  });
  const limiter = new RLWrapperTimeouts({ limiter: shared, insuranceLimiter: fallback, timeoutMs });
  return { consume: (key) => limiter.consume(key) };
}
