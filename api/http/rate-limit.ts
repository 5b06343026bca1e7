/**
 * Per-key rate limit: each API key (or client address, for requests without a valid key) may make
 * `perMinute` requests per minute, counted in a store every API process shares (rate-limit-store.ts).
 * Answers carry `RateLimit-Limit` and `RateLimit-Remaining`; a refusal is a 429 problem with `Retry-After`.
 */
import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../../platform/logger';
import { RateLimitedError } from './errors';
import type { RateLimitStore } from './rate-limit-store';

/** The budget a request spends from: its key's name once authenticated, its client address otherwise. */
export function rateLimitKey(req: Request, res: Response): string {
  return res.locals.principal ? `key:${res.locals.principal.name}` : `ip:${req.ip ?? 'unknown'}`;
}

/** Whole seconds until the window ends, never 0: `Retry-After: 0` would invite an immediate retry. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

export function rateLimit(store: RateLimitStore, perMinute: number, logger: Logger): RequestHandler {
  return (req, res, next) => {
    res.set('RateLimit-Limit', String(perMinute));
    store.consume(rateLimitKey(req, res)).then(
      (allowed) => {
        res.set('RateLimit-Remaining', String(allowed.remainingPoints));
        next();
      },
      (refusal: unknown) => {
        if (refusal instanceof RateLimiterRes) {
          res.set('RateLimit-Remaining', '0');
          next(new RateLimitedError(retryAfterSeconds(refusal.msBeforeNext)));
          return;
        }
        // Only reachable if the in-memory fallback failed too: a broken limiter must not fail the request.
        logger.warn({ err: refusal }, 'rate limit not checked');
        next();
      },
    );
  };
}
