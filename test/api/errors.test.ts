import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import type { Pool } from 'pg';
import request from 'supertest';
import type { ApiDependencies } from '../../api/app';
import { createApp } from '../../api/app';
import { Problem } from '../../contracts/http-problem';
import type { AppConfig } from '../../platform/config';
import { loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { connectClient } from '../../platform/temporal';
import { orderBody, testKeys, withTestKeys } from '../support/api-harness';
import { seedProduct, uniqueSku } from '../support/catalog';

jest.setTimeout(60_000);

// Real PostgreSQL and Temporal; no workers are needed: every request here is answered before a saga runs.
const base = withTestKeys(loadConfig());
const logger = createLogger(base, 'test-api');
let pool: Pool;
let temporal: Client;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  pool = createPool(base);
  await migrate(pool);
  temporal = await connectClient(base);
});
afterAll(async () => {
  for (const close of closers) await close();
  await temporal?.connection.close();
  await pool?.end();
});

function appWith(
  overrides: Partial<ApiDependencies> & { configure?: (c: AppConfig) => AppConfig } = {},
): Express {
  const { configure = (c) => c, ...deps } = overrides;
  return createApp({
    config: configure(base),
    logger,
    readiness: {},
    pool,
    temporal,
    ...deps,
  });
}

const app = () => appWith();

function expectProblem(res: request.Response, status: number, code: string): Problem {
  expect([res.status, res.headers['content-type']]).toEqual([
    status,
    'application/problem+json; charset=utf-8',
  ]);
  const body = Problem.parse(res.body);
  expect(body.code).toBe(code);
  // Never a stack trace or a source path in an answer.
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|Error:/);
  return body;
}

describe('error responses (RFC 9457 problem documents)', () => {
  it('answers a body that breaks the contract with 400 and every issue, path by path', async () => {
    const res = await request(app())
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', 'key-400-validation')
      .send({
        customerId: 'c 1',
        lines: [
          { sku: 'mug', quantity: 0 },
          { sku: 'MUG', quantity: 1001 },
        ],
        shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'Germany' },
        contact: { email: 'not-an-email' },
      });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:validation-failed',
      title: 'The request is invalid',
      status: 400,
      detail: expect.stringMatching(
        /^the request is invalid: body\.customerId: customer id must not contain spaces or control characters; /,
      ) as string,
      code: 'validation_failed',
      instance: '/v1/orders',
      issues: [
        { path: 'body.customerId', message: 'customer id must not contain spaces or control characters' },
        { path: 'body.lines.0.sku', message: 'SKU must be 1-64 upper-case letters, digits, ".", "_" or "-"' },
        { path: 'body.lines.0.quantity', message: 'quantity must be at least 1' },
        { path: 'body.lines.1.quantity', message: 'quantity must be at most 1000' },
        {
          path: 'body.shippingAddress.country',
          message: 'country must be an ISO 3166-1 alpha-2 code such as DE',
        },
        { path: 'body.contact.email', message: 'Invalid email address' },
      ],
    });
  });

  it('refuses an empty cart with 400', async () => {
    const res = await request(app())
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', 'key-400-empty-cart')
      .send(orderBody([]));
    expectProblem(res, 400, 'validation_failed');
    expect((res.body as Problem).issues).toEqual([
      { path: 'body.lines', message: 'an order needs at least one line' },
    ]);
  });

  it('refuses a SKU on two lines with 422 duplicate_sku naming it, and starts nothing', async () => {
    const res = await request(app())
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', 'key-422-duplicate-sku')
      .send(
        orderBody([
          { sku: 'DUP-1', quantity: 1 },
          { sku: 'OTHER', quantity: 1 },
          { sku: 'DUP-1', quantity: 2 },
        ]),
      );
    expectProblem(res, 422, 'duplicate_sku');
    expect((res.body as Problem).skus).toEqual(['DUP-1']);
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await request(app())
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', 'key-400-malformed')
      .set('Content-Type', 'application/json')
      .send('{"customerId": "c-1", "lines": [');
    expectProblem(res, 400, 'malformed_json');
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:malformed-json',
      title: 'The request body is not valid JSON',
      status: 400,
      detail: 'the request body is not valid JSON',
      code: 'malformed_json',
      instance: '/v1/orders',
    });
  });

  it('answers a body over the limit with 413', async () => {
    const small = appWith({ configure: (c) => ({ ...c, api: { ...c.api, bodyLimit: '1kb' } }) });
    const res = await request(small)
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', 'key-413-large')
      .send({ ...orderBody([{ sku: 'A-1', quantity: 1 }]), padding: 'x'.repeat(4096) });
    expectProblem(res, 413, 'payload_too_large');
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:payload-too-large',
      title: 'The request body is too large',
      status: 413,
      detail: 'the request body is larger than 1kb',
      code: 'payload_too_large',
      instance: '/v1/orders',
    });
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await request(app())
      .post('/v1/orders')
      .set('X-API-Key', testKeys.storefront)
      .set('Idempotency-Key', 'key-415-form')
      .type('form')
      .send('customerId=c-1');
    expectProblem(res, 415, 'unsupported_media_type');
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:unsupported-media-type',
      title: 'Unsupported media type',
      status: 415,
      detail: 'send the body as application/json, not application/x-www-form-urlencoded',
      code: 'unsupported_media_type',
      instance: '/v1/orders',
    });
  });

  it('answers an unknown route with 404 route_not_found', async () => {
    const res = await request(app()).get('/v1/shipments').set('X-API-Key', testKeys.storefront);
    expectProblem(res, 404, 'route_not_found');
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:route-not-found',
      title: 'Route not found',
      status: 404,
      detail: 'no route GET /v1/shipments',
      code: 'route_not_found',
      instance: '/v1/shipments',
    });
  });

  it('answers a method the path does not answer with 405 and Allow, before any key or body check', async () => {
    const trace = await request(app()).trace('/v1/orders/ord-123');
    expectProblem(trace, 405, 'method_not_allowed');
    expect(trace.headers.allow).toBe('GET, HEAD');
    expect(trace.body).toMatchObject({ allowedMethods: ['GET', 'HEAD'], instance: '/v1/orders/ord-123' });

    const del = await request(app()).delete('/v1/orders').set('Content-Type', 'text/plain').send('x');
    expectProblem(del, 405, 'method_not_allowed');
    expect(del.headers.allow).toBe('POST, GET, HEAD');

    const options = await request(app()).options('/healthz');
    expect(options.status).toBe(405);
    expect(options.headers.allow).toBe('GET, HEAD');
  });

  it('answers an unknown SKU in a path with 404 product_not_found', async () => {
    const res = await request(app()).get('/v1/inventory/NO-SUCH-SKU').set('X-API-Key', testKeys.storefront);
    expectProblem(res, 404, 'product_not_found');
    expect(res.body).toMatchObject({ detail: 'product NO-SUCH-SKU does not exist', sku: 'NO-SUCH-SKU' });
  });
});

describe('API keys and roles', () => {
  it('answers 401 without a key, naming the header', async () => {
    const res = await request(app()).get('/v1/products');
    expectProblem(res, 401, 'unauthenticated');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="fusioncommerce"');
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:unauthenticated',
      title: 'An API key is required',
      status: 401,
      detail: 'this route needs an API key in the X-API-Key header (or Authorization: Bearer)',
      code: 'unauthenticated',
      instance: '/v1/products',
    });
  });

  it('answers 401 for a key that matches none, whatever its length', async () => {
    for (const key of ['x', `${testKeys.operator}-but-longer`, testKeys.operator.toUpperCase()]) {
      const res = await request(app()).get('/v1/products').set('X-API-Key', key);
      expectProblem(res, 401, 'unauthenticated');
      expect((res.body as Problem).detail).toBe('the API key is not valid');
    }
  });

  it('answers 403 when the key is valid but its role is not enough', async () => {
    const res = await request(app())
      .put('/v1/inventory/ANY-SKU')
      .set('X-API-Key', testKeys.storefront)
      .send({ available: 3 });
    expectProblem(res, 403, 'forbidden');
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:forbidden',
      title: 'The API key may not do this',
      status: 403,
      detail: 'API key shop may not do this; it needs the role operator',
      code: 'forbidden',
      instance: '/v1/inventory/ANY-SKU',
      requiredRoles: ['operator'],
    });
  });

  it('accepts the key as a bearer token too', async () => {
    const res = await request(app())
      .get('/v1/products?pageSize=1')
      .set('Authorization', `Bearer ${testKeys.operator}`);
    expect(res.status).toBe(200);
  });

  it('limits each key to its budget per minute with 429 and Retry-After, other keys unaffected', async () => {
    // Keys of their own: the limit is counted in the database, where other tests' requests count too.
    const [limitedKey, otherKey] = ['limited', 'unaffected'].map((label) => ({
      name: `${label}-${randomUUID().slice(0, 8)}`,
      role: 'storefront' as const,
      secret: `${label}-secret-${randomUUID()}`,
    }));
    const limited = appWith({
      configure: (c) => ({ ...c, api: { ...c.api, rateLimitPerMinute: 3, keys: [limitedKey!, otherKey!] } }),
    });
    const get = (secret: string) => request(limited).get('/v1/products?pageSize=1').set('X-API-Key', secret);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(limitedKey!.secret)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await get(limitedKey!.secret);
    expectProblem(res, 429, 'rate_limited');
    // The budget comes back when the key's one-minute window, opened by its first request, ends.
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(30);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.body).toMatchObject({
      detail: `too many requests; retry in ${retryAfter} s`,
      retryAfterSeconds: retryAfter,
    });
    expect((await get(otherKey!.secret)).status).toBe(200);
  });
});

describe('outages and unexpected failures', () => {
  it('answers 503 with Retry-After when Temporal cannot be reached', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' });
    closers.push(() => connection.close());
    const down = appWith({
      temporal: new Client({ connection, namespace: 'default' }),
      configure: (c) => ({ ...c, api: { ...c.api, temporalTimeoutMs: 500 } }),
    });
    const res = await request(down)
      .get('/v1/orders/ord-000000000000000000000001')
      .set('X-API-Key', testKeys.storefront);
    expectProblem(res, 503, 'service_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:service-unavailable',
      title: 'Service temporarily unavailable',
      status: 503,
      detail: 'a dependency (temporal) is unavailable; retry in 5 s',
      code: 'service_unavailable',
      instance: '/v1/orders/ord-000000000000000000000001',
      dependency: 'temporal',
      retryAfterSeconds: 5,
    });
  });

  it('answers 503 with Retry-After when PostgreSQL cannot be reached', async () => {
    const deadPool = createPool({ database: { url: 'postgres://x:y@127.0.0.1:1/none', poolMax: 1 } });
    closers.push(() => deadPool.end());
    const res = await request(appWith({ pool: deadPool }))
      .get('/v1/products')
      .set('X-API-Key', testKeys.storefront);
    expectProblem(res, 503, 'service_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ dependency: 'postgres' });
  });

  it('answers 500 without revealing the error when something unexpected breaks', async () => {
    const broken = appWith({
      beforeProductCommit: () => Promise.reject(new Error('secret internals at /srv/app/catalog.ts:42')),
    });
    const sku = uniqueSku('ERR');
    const res = await request(broken)
      .post('/v1/products')
      .set('X-API-Key', testKeys.operator)
      .send({ sku, name: 'Broken', priceMinor: 100, currency: 'EUR' });
    expectProblem(res, 500, 'internal_error');
    expect(res.body).toEqual({
      type: 'urn:fusioncommerce:problem:internal-error',
      title: 'Internal error',
      status: 500,
      detail: 'the server failed to handle the request; it has been logged',
      code: 'internal_error',
      instance: '/v1/products',
    });
    // The failed publish rolled the product back: nothing half-created.
    const { rows } = await pool.query('SELECT sku FROM products WHERE sku = $1', [sku]);
    expect(rows).toEqual([]);
  });

  it('keeps customer data out of the request log', async () => {
    const lines: string[] = [];
    const capture = createLogger({ log: { level: 'trace', format: 'json' } }, 'capture');
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(chunk.toString());
      return true;
    });
    try {
      const sku = uniqueSku('LOG');
      await seedProduct(pool, sku, 100, 0);
      const body = orderBody([{ sku: 'NO-SUCH-SKU', quantity: 1 }]);
      await request(appWith({ logger: capture }))
        .post('/v1/orders?customerId=x')
        .set('X-API-Key', testKeys.storefront)
        .set('Idempotency-Key', 'key-log-check-1')
        .send(body);
      expect(lines.join('')).toContain('"route":"/v1/orders"');
      expect(lines.join('')).not.toContain(body.contact.email);
      expect(lines.join('')).not.toContain('Analytical Row');
      expect(lines.join('')).not.toContain(testKeys.storefront);
    } finally {
      spy.mockRestore();
    }
  });
});
