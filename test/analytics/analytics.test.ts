/**
 * The analytics routes against the real stack: orders go through the API, the saga, the outbox relay and
 * Kafka into Druid, and the figures the API reads back from Druid must equal what PostgreSQL's outbox (the
 * events as written) and Kafka (the events as delivered) say for the same time range.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { idempotencyKey, orderBody, testKeys } from '../support/api-harness';
import type { ApiHarness } from '../support/api-harness';
import { openPage, saveScreenshot } from '../support/browser';
import { startPageHarness } from '../support/page-harness';
import type { PageHarness } from '../support/page-harness';
import { seedProduct, uniqueSku } from '../support/catalog';
import { dedupe } from '../support/event-collector';
import { waitForStatus } from '../api/orders-support';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
let api: ApiHarness;
let pages: PageHarness;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  pages = await startPageHarness();
  ({ api, baseUrl, browser } = pages);
});
afterAll(async () => {
  await pages?.stop();
});

type Json = Record<string, unknown>;

async function analytics<T = Json>(route: string, query: Record<string, string>): Promise<T> {
  const res = await api.http().get(`/v1/analytics/${route}`).query(query).set('X-API-Key', testKeys.operator);
  if (res.status !== 200) throw new Error(`${route} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}

async function submit(sku: string, quantity: number): Promise<string> {
  const res = await api
    .http()
    .post('/v1/orders')
    .set('X-API-Key', testKeys.storefront)
    .set('Idempotency-Key', idempotencyKey())
    .send(orderBody([{ sku, quantity }]));
  expect(res.status).toBe(202);
  return (res.body as { orderId: string }).orderId;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Counts of the order-event datasource's types in the range, as the outbox wrote them (each id once). */
async function outboxCounts(from: Date, to: Date): Promise<Map<string, number>> {
  const { rows } = await api.saga.pool.query<{ type: string; n: string }>(
    `SELECT type, count(DISTINCT event->'data'->>'orderId') AS n FROM outbox_events
      WHERE type NOT LIKE 'group.%' AND (event->>'time')::timestamptz >= $1 AND (event->>'time')::timestamptz < $2
      GROUP BY type`,
    [from, to],
  );
  return new Map(rows.map((row) => [row.type, Number(row.n)]));
}

async function outboxRevenue(
  from: Date,
  to: Date,
): Promise<{ currency: string; revenueMinor: number; orders: number }[]> {
  const { rows } = await api.saga.pool.query<{ currency: string; revenue: string; orders: string }>(
    `SELECT currency, sum(total) AS revenue, count(*) AS orders FROM (
       SELECT DISTINCT ON (event->'data'->>'orderId') event->'data'->>'currency' AS currency,
              (event->'data'->>'totalMinor')::bigint AS total
         FROM outbox_events
        WHERE type = 'order.confirmed' AND (event->>'time')::timestamptz >= $1 AND (event->>'time')::timestamptz < $2
     ) confirmed GROUP BY currency ORDER BY currency`,
    [from, to],
  );
  return rows.map((row) => ({
    currency: row.currency,
    revenueMinor: Number(row.revenue),
    orders: Number(row.orders),
  }));
}

describe('analytics on Druid', () => {
  const from = new Date(Date.now() - 1_000);
  let to: Date;
  const sku = uniqueSku('AN');
  const shortSku = uniqueSku('AN');
  let confirmed: string[];
  let rejected: string;

  beforeAll(async () => {
    await seedProduct(api.saga.pool, sku, 1_250, 100);
    await seedProduct(api.saga.pool, shortSku, 990, 1);
    confirmed = [await submit(sku, 2), await submit(sku, 3), await submit(sku, 1)];
    rejected = await submit(shortSku, 4);
    for (const orderId of confirmed) await waitForStatus(api, orderId, ['confirmed']);
    await waitForStatus(api, rejected, ['rejected']);
    // Close the range a moment after the last event: every event of it is written by now.
    to = new Date(Date.now() + 1_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  });

  it('counts the orders of a range by outcome exactly as the outbox wrote them, within seconds', async () => {
    const range = { from: from.toISOString(), to: to.toISOString(), bucket: '1m' };
    const written = await outboxCounts(from, to);
    const expected = {
      created: written.get('order.created') ?? 0,
      reserved: written.get('inventory.reserved') ?? 0,
      confirmed: written.get('order.confirmed') ?? 0,
      rejected: written.get('order.rejected') ?? 0,
      cancelled: written.get('order.cancelled') ?? 0,
    };
    // Ours are among them (other test files' sagas may have written in the same range).
    expect(expected.created).toBeGreaterThanOrEqual(4);
    expect(expected.confirmed).toBeGreaterThanOrEqual(3);
    const started = Date.now();
    const flow = await until('Druid to hold every event of the range', async () => {
      const body = await analytics<{ totals: typeof expected }>('orders', range);
      return JSON.stringify(body.totals) === JSON.stringify(expected) ? body : undefined;
    });
    process.stdout.write(`analytics caught up ${Date.now() - started} ms after the last order settled\n`);
    expect(flow.totals).toEqual(expected);
    const buckets = (flow as unknown as { buckets: { created: number }[] }).buckets;
    expect(buckets.reduce((sum, b) => sum + b.created, 0)).toBe(expected.created);

    const rejections = (flow as unknown as { rejectedByReason: { code: string; orders: number }[] })
      .rejectedByReason;
    expect(rejections.find((r) => r.code === 'insufficient_stock')?.orders).toBeGreaterThanOrEqual(1);

    const revenue = await analytics<{ totals: unknown[] }>('revenue', range);
    expect(revenue.totals).toEqual(await outboxRevenue(from, to));
  });

  it('adds up the units of each SKU as Kafka delivered its events', async () => {
    const range = { from: from.toISOString(), to: to.toISOString(), bucket: '1m' };
    // Kafka's view of our orders: the lines of the reservations it delivered.
    const delivered = (
      await Promise.all(confirmed.map((orderId) => api.saga.events.waitForType(orderId, 'order.confirmed')))
    ).flatMap((events) => dedupe(events));
    const unitsOnKafka = delivered
      .flatMap((e) => (e.type === 'inventory.reserved' ? e.data.lines : []))
      .filter((line) => line.sku === sku)
      .reduce((sum, line) => sum + line.quantity, 0);
    expect(unitsOnKafka).toBe(6);

    // Druid is eventually consistent (on a new stack its broker learns the `lines` column a moment late).
    const top = await until('our SKU in the top SKUs', async () => {
      const body = await analytics<{ skus: { sku: string; units: number; orders: number }[] }>('top-skus', {
        ...range,
        limit: '100',
      });
      return body.skus.some((s) => s.sku === sku) ? body : undefined;
    });
    expect(top.skus.find((s) => s.sku === sku)).toEqual({ sku, units: unitsOnKafka, orders: 3 });
    expect(top.skus.find((s) => s.sku === shortSku)).toBeUndefined();

    const inventory = await analytics<{ skus: { sku: string }[] }>('inventory', range);
    expect(inventory.skus.find((s) => s.sku === sku)).toEqual({
      sku,
      reserved: 6,
      released: 0,
      committed: 6,
    });
  });

  it('shows the same figures on the dashboard page in a real browser', async () => {
    const { page, pageErrors } = await openPage(browser);
    await page.goto(`${baseUrl}/dashboard#key=${encodeURIComponent(testKeys.operator)}`);
    await page.waitForSelector('body[data-refreshed]', { timeout: 20_000 });
    // The page states the range it asked for; the API asked for the same range must agree with it.
    // Runs in the page (a string: this project's types have no DOM).
    const shown = (await page.evaluate(`({
      from: document.body.dataset.from,
      to: document.body.dataset.to,
      created: document.querySelector('[data-figure="orders.created"]').textContent,
      confirmed: document.querySelector('[data-figure="orders.confirmed"]').textContent,
      status: document.getElementById('status').textContent,
      charts: document.querySelectorAll('canvas').length,
      keyInUrl: window.location.href.includes('key='),
    })`)) as {
      from: string;
      to: string;
      created: string;
      confirmed: string;
      status: string;
      charts: number;
      keyInUrl: boolean;
    };
    const flow = await analytics<{ totals: { created: number; confirmed: number } }>('orders', {
      from: shown.from,
      to: shown.to,
      bucket: '1m',
    });
    expect(shown.status).toMatch(/^updated/);
    expect(Number(shown.created)).toBe(flow.totals.created);
    expect(Number(shown.confirmed)).toBe(flow.totals.confirmed);
    expect(Number(shown.confirmed)).toBeGreaterThanOrEqual(3);
    expect(shown.charts).toBe(7);
    expect(shown.keyInUrl).toBe(false);
    expect(pageErrors).toEqual([]);
    await saveScreenshot(page, 'dashboard');
    await page.close();
  });

  it('refuses a storefront key (403) and a range that ends before it starts (400), fast', async () => {
    const forbidden = await api.http().get('/v1/analytics/orders').set('X-API-Key', testKeys.storefront);
    expect(forbidden.status).toBe(403);
    const started = Date.now();
    const invalid = await api
      .http()
      .get('/v1/analytics/orders')
      .query({ from: to.toISOString(), to: from.toISOString() })
      .set('X-API-Key', testKeys.operator);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ code: 'validation_failed', issues: [{ path: 'query.from' }] });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('with Druid stopped', () => {
  afterAll(() => {
    execFileSync('bash', [path.join(root, 'stack/up'), 'druid'], { stdio: ['ignore', 'ignore', 'inherit'] });
  });

  it('answers 503 at once while orders go on; the figures come back with Druid', async () => {
    execFileSync('bash', [path.join(root, 'stack/down'), 'druid'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const started = Date.now();
    const res = await api.http().get('/v1/analytics/orders').set('X-API-Key', testKeys.operator);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body).toMatchObject({ code: 'service_unavailable', dependency: 'druid' });

    // The rest of the product does not notice.
    const sku = uniqueSku('AN');
    await seedProduct(api.saga.pool, sku, 500, 10);
    const orderId = await submit(sku, 1);
    await waitForStatus(api, orderId, ['confirmed']);

    // Back up: the order confirmed during the outage is in the figures (Druid reads Kafka from where it was).
    execFileSync('bash', [path.join(root, 'stack/up'), 'druid'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const top = await until(
      'the order of the outage in Druid',
      async () => {
        const body = await analytics<{ skus: { sku: string; units: number }[] }>('top-skus', {
          limit: '100',
        });
        return body.skus.some((s) => s.sku === sku) ? body : undefined;
      },
      60_000,
    );
    expect(top.skus.find((s) => s.sku === sku)).toMatchObject({ sku, units: 1 });
  });
});
