import SwaggerParser from '@apidevtools/swagger-parser';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import request from 'supertest';
import { createApp } from '../../api/app';
import { readinessChecks } from '../../api/http/readiness';
import { apiRoutes } from '../../contracts/http-api';
import { loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { connectClient } from '../../platform/temporal';
import { testKeys, withTestKeys } from '../support/api-harness';

jest.setTimeout(60_000);

const config = withTestKeys(loadConfig());
const logger = createLogger(config, 'test-api');
let pool: Pool;
let temporal: Client;
let admin: Admin;
let app: Express;

beforeAll(async () => {
  pool = createPool(config);
  await migrate(pool);
  temporal = await connectClient(config);
  admin = createKafka(config, logger, 'test-ops').admin();
  await admin.connect();
  app = createApp({
    config,
    logger,
    readiness: readinessChecks({ temporal, kafkaAdmin: admin, pool }),
    pool,
    temporal,
  });
});
afterAll(async () => {
  await admin?.disconnect();
  await temporal?.connection.close();
  await pool?.end();
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every `METHOD /path` the express app serves, read from its router (sub-routers included). */
function servedRoutes(target: Express): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`)
        : walk(layer.handle?.stack ?? []),
    );
  return walk((target as unknown as { router: { stack: Layer[] } }).router.stack);
}

const contractRoutes = Object.values(apiRoutes).map(
  (r) => `${r.method.toUpperCase()} ${r.path.replace(/\{([^}]+)\}/g, ':$1')}`,
);

describe('operations routes', () => {
  it('answers /healthz while the process is up', async () => {
    const res = await request(app).get('/healthz');
    expect([res.status, res.body]).toEqual([200, { status: 'ok' }]);
  });

  it('answers /readyz with each dependency reachable', async () => {
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ready: true,
      dependencies: { temporal: { ok: true }, kafka: { ok: true }, postgres: { ok: true } },
    });
  });

  it('serves Prometheus metrics: request counts and latency by route pattern and status', async () => {
    await request(app).get('/v1/inventory/NO-SUCH-SKU').set('X-API-Key', testKeys.storefront);
    await request(app).get('/v1/products?pageSize=1').set('X-API-Key', testKeys.storefront);
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toContain('# TYPE http_requests_total counter');
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/v1\/inventory\/:sku",status="404"\} 1/,
    );
    expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/v1\/products",status="200"\} 1/);
    expect(res.text).toMatch(
      /http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/v1\/products",status="200"\} 1/,
    );
  });

  it('sets security headers on every answer', async () => {
    const res = await request(app).get('/healthz');
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age=') as string,
      'content-security-policy': expect.stringContaining("default-src 'self'") as string,
      'x-request-id': expect.any(String) as string,
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('OpenAPI document and docs page', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const res = await request(app).get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(res.body) as never)).resolves.toBeDefined();
  });

  it('lists every route the app serves, and the app serves every route it lists', async () => {
    const doc = (await request(app).get('/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    // Static assets of the pages (scripts, styles) are files, not operations of the API.
    const served = servedRoutes(app).filter((r) => !/^GET \/(docs|dashboard\/assets)\//.test(r));
    expect([...documented].sort()).toEqual([...contractRoutes].sort());
    expect([...new Set(served)].sort()).toEqual([...contractRoutes].sort());
  });

  it('documents the API key schemes, the roles and the problem responses of each route', async () => {
    const doc = (await request(app).get('/openapi.json')).body as {
      paths: Record<
        string,
        Record<string, { security: unknown[]; description: string; responses: Record<string, unknown> }>
      >;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.components.securitySchemes).toEqual({
      ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      Bearer: { type: 'http', scheme: 'bearer' },
    });
    const submit = doc.paths['/v1/orders']?.post;
    expect(submit?.description).toContain('Roles: storefront, operator.');
    expect(Object.keys(submit?.responses ?? {}).sort()).toEqual(
      ['200', '202', '400', '401', '403', '409', '413', '415', '422', '429', '500', '503'].sort(),
    );
    expect(doc.paths['/v1/orders/{orderId}/review']?.post?.description).toContain('Roles: operator.');
    expect(doc.paths['/healthz']?.get?.security).toEqual([]);
  });

  it('serves the docs page and its Swagger UI assets from this server', async () => {
    const page = await request(app).get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<div id="swagger-ui"></div>');
    expect(page.text).not.toMatch(/https?:\/\//);
    const init = await request(app).get('/docs/init.js');
    expect(init.text).toContain("url: 'openapi.json'");
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']) {
      const res = await request(app).get(asset);
      expect([asset, res.status]).toEqual([asset, 200]);
    }
  });
});
