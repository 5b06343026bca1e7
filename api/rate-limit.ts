/**
 * Per-key rate limit: a token bucket per API key (or per client address for requests without a valid
 * key). The buckets live in this process's memory, so with N API processes a key can make up to N times
 * the limit; put a shared limiter (gateway, Redis) in front when that matters.
 */
import type { RequestHandler } from 'express';
import { RateLimitedError } from './errors';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

// Forget idle buckets once this many exist, so a stream of new client addresses cannot grow memory without bound.
const SWEEP_THRESHOLD = 10_000;

export function createRateLimiter(perMinute: number, now: () => number = Date.now) {
  const capacity = perMinute;
  const refillPerMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();

  function refill(bucket: Bucket, at: number): void {
    bucket.tokens = Math.min(capacity, bucket.tokens + (at - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = at;
  }

  function sweep(at: number): void {
    for (const [key, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.tokens >= capacity) buckets.delete(key);
    }
  }

  /** Takes one token; returns the tokens left, or the seconds to wait when there is none. */
  function take(
    key: string,
  ): { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number } {
    const at = now();
    let bucket = buckets.get(key);
    if (!bucket) {
      if (buckets.size >= SWEEP_THRESHOLD) sweep(at);
      bucket = { tokens: capacity, updatedAt: at };
      buckets.set(key, bucket);
    }
    refill(bucket, at);
    if (bucket.tokens < 1) {
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)),
      };
    }
    bucket.tokens -= 1;
    return { allowed: true, remaining: Math.floor(bucket.tokens) };
  }

  const middleware: RequestHandler = (req, res, next) => {
    const key = res.locals.principal ? `key:${res.locals.principal.name}` : `ip:${req.ip ?? 'unknown'}`;
    const outcome = take(key);
    res.set('RateLimit-Limit', String(capacity));
    if (!outcome.allowed) {
      res.set('RateLimit-Remaining', '0');
      next(new RateLimitedError(outcome.retryAfterSeconds));
      return;
    }
    res.set('RateLimit-Remaining', String(outcome.remaining));
    next();
  };

  return { take, middleware };
}
