import express from 'express';
import type { Express } from 'express';
import type { Pool } from 'pg';
import request from 'supertest';
import { errorHandler } from '../../api/http/error-handler';
import { rateLimit, retryAfterSeconds } from '../../api/http/rate-limit';
import { createRateLimitStore } from '../../api/http/rate-limit-store';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';

// No server here: the store's pool is a fake that fails, hangs or answers like the shared table would.
// That the table itself shares the limit between API processes is tested in test/api/keys-and-limits.
const logger = createLogger(loadConfig({ LOG_LEVEL: 'silent' }), 'test-rate-limit');
type FakePool = Pick<Pool, 'query'>;

const refusingPool: FakePool = {
  query: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
};
const hangingPool: FakePool = { query: () => new Promise<never>(() => undefined) };

/** Answers the store's upsert as the table would when other processes already counted `points`. */
function poolThatCounted(points: number, msLeft: number): FakePool {
  return {
    query: () => Promise.resolve({ rows: [{ points, expire: Date.now() + msLeft }], rowCount: 1 }),
  } as unknown as FakePool;
}

/** The middleware between a stand-in for authentication (X-Key names the key) and one route. */
function limitedApp(pool: FakePool, perMinute: number, timeoutMs?: number): Express {
  const app = express();
  app.use((req, res, next) => {
    const name = req.get('x-key');
    if (name) res.locals.principal = { name, role: 'storefront' };
    next();
  });
  app.use(rateLimit(createRateLimitStore({ perMinute, pool, timeoutMs }), perMinute, logger));
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(errorHandler(logger, '1mb'));
  return app;
}

describe('rate limit', () => {
  it('rounds the wait up to whole seconds and never answers Retry-After 0', () => {
    expect([0, 1, 1_000, 1_001, 59_001].map(retryAfterSeconds)).toEqual([1, 1, 1, 2, 60]);
  });

  it('refuses a key whose budget other API processes already spent, with the 429 problem and headers', async () => {
    const res = await request(limitedApp(poolThatCounted(6, 30_000), 5))
      .get('/')
      .set('X-Key', 'shop');
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers).toMatchObject({
      'ratelimit-limit': '5',
      'ratelimit-remaining': '0',
      'retry-after': '30',
    });
    expect(res.body).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 30 });
  });

  it('reports what is left of the shared budget', async () => {
    const res = await request(limitedApp(poolThatCounted(2, 45_000), 5))
      .get('/')
      .set('X-Key', 'shop');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-remaining': '3' });
  });

  it('limits each key in this process when the store refuses connections, instead of failing requests', async () => {
    const app = limitedApp(refusingPool, 2);
    const remaining: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(app).get('/').set('X-Key', 'shop');
      remaining.push([res.status, res.headers['ratelimit-remaining']]);
    }
    expect(remaining).toEqual([
      [200, '1'],
      [200, '0'],
      [429, '0'],
    ]);
    expect((await request(app).get('/').set('X-Key', 'other-shop')).status).toBe(200);
    // Without a key, the client address is the budget.
    expect((await request(app).get('/')).headers['ratelimit-remaining']).toBe('1');
  });

  it('decides in this process once the store has not answered within the timeout', async () => {
    const app = limitedApp(hangingPool, 2, 50);
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(app).get('/').set('X-Key', 'shop')).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
