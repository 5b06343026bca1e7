import { createKeyring } from '../../api/auth';
import { createRateLimiter } from '../../api/rate-limit';
import { InsecureApiKeysError, createApiServer } from '../../api/server';
import { ConfigError, loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';

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

describe('rate limiter (token bucket, per process)', () => {
  it('allows a burst of the per-minute budget, then refills one token every 60/limit seconds', () => {
    let now = 0;
    const limiter = createRateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('key:shop')).toMatchObject({ allowed: true });
    expect(limiter.take('key:shop')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('key:other')).toMatchObject({ allowed: true });
    now += 1_000;
    expect(limiter.take('key:shop')).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.take('key:shop')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});
