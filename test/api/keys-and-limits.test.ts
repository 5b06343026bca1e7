import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createKeyring } from '../../api/http/auth';
import { InsecureApiKeysError, createApiServer } from '../../api/server';
import { ConfigError, loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { withTestKeys } from '../support/api-harness';

describe('API_KEYS configuration', () => {
  it('parses name:role:secret entries, keeping colons inside the secret', () => {
    const config = loadConfig({
      API_KEYS: 'shop:storefront:0123456789abcdef:with:colons, ops:operator:fedcba9876543210',
    });
    expect(config.api.keys).toEqual([
      { name: 'shop', role: 'storefront', secret: '0123456789abcdef:with:colons' },
      { name: 'ops', role: 'operator', secret: 'fedcba9876543210' },
    ]);
    expect(config.api.devKeys).toBe(false);
  });

  it('marks the built-in keys as development keys', () => {
    const config = loadConfig({});
    expect(config.api.keys.map((k) => `${k.name}:${k.role}`)).toEqual([
      'storefront-dev:storefront',
      'operator-dev:operator',
    ]);
    expect(config.api.devKeys).toBe(true);
  });

  it('refuses unknown roles, short secrets and duplicate names without printing the secrets', () => {
    for (const [value, message] of [
      ['shop:admin:0123456789abcdef', /expected name:role:secret/],
      ['shop:storefront:short', /at least 16 printable characters/],
      ['a:operator:0123456789abcdef,a:storefront:0123456789abcdef', /key names must be unique/],
    ] as const) {
      let error: unknown;
      try {
        loadConfig({ API_KEYS: value });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('API_KEYS="[redacted]"');
      expect((error as Error).message).not.toContain('0123456789abcdef');
    }
  });

  it('refuses to start a production API with the development keys', async () => {
    const config = { ...loadConfig({}), env: 'production' as const };
    const server = createApiServer(config, createLogger(config, 'test'));
    await expect(server.start()).rejects.toThrow(InsecureApiKeysError);
    await server.stop();
  });
});

describe('keyring', () => {
  const keyring = createKeyring([
    { name: 'shop', role: 'storefront', secret: 'storefront-secret-0001' },
    { name: 'ops', role: 'operator', secret: 'operator-secret-00002' },
  ]);

  it('identifies each key by its secret, and nothing else', () => {
    expect(keyring.identify('storefront-secret-0001')).toEqual({ name: 'shop', role: 'storefront' });
    expect(keyring.identify('operator-secret-00002')).toEqual({ name: 'ops', role: 'operator' });
    for (const guess of ['', 'storefront-secret-000', 'storefront-secret-00011', 'OPERATOR-SECRET-00002']) {
      expect(keyring.identify(guess)).toBeUndefined();
    }
  });
});

describe('rate limit shared by every API process', () => {
  // Real PostgreSQL; Temporal is never called: the products route reads the catalog only.
  const base = withTestKeys(loadConfig());
  const logger = createLogger(base, 'test-api');
  // One pool per app, as two API processes would have.
  const pools = [createPool(base), createPool(base)];
  const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' });
  const temporal = new Client({ connection, namespace: 'default' });

  beforeAll(async () => {
    await migrate(pools[0]!);
    // Connected before the test, so no request's store query waits for a connection and falls back to
    // the in-memory limiter (rate-limit-store.ts), which would count it in one app only.
    await Promise.all(pools.map((pool) => pool.query('SELECT 1')));
  });
  afterAll(async () => {
    await connection.close();
    await Promise.all(pools.map((pool) => pool.end()));
  });

  it('counts the requests two API apps on one database receive against one budget per key', async () => {
    // A key of its own, so no other test's requests count in its window.
    const key = {
      name: `limits-${randomUUID().slice(0, 8)}`,
      role: 'storefront' as const,
      secret: `limits-secret-${randomUUID()}`,
    };
    const config = { ...base, api: { ...base.api, rateLimitPerMinute: 4, keys: [key] } };
    const [first, second] = pools.map((pool) =>
      createApp({
        config,
        logger,
        readiness: {},
        pool,
        temporal,
      }),
    );
    const get = (app: Express) => request(app).get('/v1/products?pageSize=1').set('X-API-Key', key.secret);

    const answers: unknown[] = [];
    for (const app of [first!, second!, first!, second!]) {
      const res = await get(app);
      answers.push([res.status, res.headers['ratelimit-limit'], res.headers['ratelimit-remaining']]);
    }
    expect(answers).toEqual([
      [200, '4', '3'],
      [200, '4', '2'],
      [200, '4', '1'],
      [200, '4', '0'],
    ]);
    // The first app learns from the table that the budget is spent; the second, which spent the last
    // request, already knows it from memory. Either way: the same 429 problem document.
    for (const app of [first!, second!]) {
      const res = await get(app);
      expect([res.status, res.headers['ratelimit-remaining']]).toEqual([429, '0']);
      expect(res.body).toMatchObject({ code: 'rate_limited' });
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(res.body).toMatchObject({ retryAfterSeconds: retryAfter });
    }
  });
});
