/**
 * product.created takes the outbox: written in the transaction that creates the product, under an id
 * derived from the SKU, and published by the relay on the catalog topic with the very bytes the API used
 * to send itself.
 */
import type { Pool } from 'pg';
import request from 'supertest';
import { createCatalogStore } from '../../api/catalog/catalog-store';
import { topics } from '../../contracts/topics';
import { testKeys } from '../support/api-harness';
import { uniqueSku } from '../support/catalog';
import type { TopicCollector } from '../support/topic-collector';
import { startCatalogHarness } from '../support/catalog-harness';
import type { CatalogHarness } from '../support/catalog-harness';

jest.setTimeout(60_000);

let harness: CatalogHarness;
let pool: Pool;
let app: CatalogHarness['app'];
let catalogEvents: TopicCollector;

beforeAll(async () => {
  harness = await startCatalogHarness('test-catalog-outbox');
  ({ pool, app, catalogEvents } = harness);
});
afterAll(async () => {
  await harness?.stop();
});

const createProduct = (body: object) =>
  request(app).post('/v1/products').set('X-API-Key', testKeys.operator).send(body);

interface OutboxRow {
  id: string;
  type: string;
  event: unknown;
  published_at: Date | null;
  kafka_topic: string | null;
}

async function outboxRowsOf(sku: string): Promise<OutboxRow[]> {
  const { rows } = await pool.query<OutboxRow>(
    `SELECT id, type, event, published_at, kafka_topic FROM outbox_events
      WHERE message_key = $1 ORDER BY position`,
    [sku],
  );
  return rows;
}

async function until(done: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const published = async (id: string) => {
  const { rows } = await pool.query(
    'SELECT 1 FROM outbox_events WHERE id = $1 AND published_at IS NOT NULL',
    [id],
  );
  return rows.length === 1;
};

/** What the API sent itself before the outbox (cloudEventMessage of productCreatedEvent), byte for byte. */
function formerMessage(
  product: { sku: string; name: string; priceMinor: number; currency: string },
  time: string,
) {
  const id = `product-${product.sku}:created`;
  return {
    key: product.sku,
    value:
      `{"specversion":"1.0","id":"${id}","source":"/fusioncommerce/catalog","subject":"${product.sku}",` +
      `"time":"${time}","datacontenttype":"application/json","type":"product.created",` +
      `"data":{"sku":"${product.sku}","name":"${product.name}","priceMinor":${product.priceMinor},"currency":"${product.currency}"}}`,
    headers: {
      ce_specversion: '1.0',
      ce_id: id,
      ce_type: 'product.created',
      ce_source: '/fusioncommerce/catalog',
      ce_subject: product.sku,
      ce_time: time,
      'content-type': 'application/cloudevents+json',
    },
  };
}

describe('product.created through the outbox', () => {
  it('is written with the product, keyed by SKU, and relayed to the catalog topic unchanged', async () => {
    const product = { sku: uniqueSku('OBX'), name: 'Oak board', priceMinor: 3_150, currency: 'EUR' };
    const res = await createProduct({ ...product, available: 5 });
    expect(res.status).toBe(201);
    const { createdAt } = res.body as { createdAt: string };
    const id = `product-${product.sku}:created`;

    // Committed with the product (the 201 came after the commit), whether or not a relay has run yet.
    const [row] = await outboxRowsOf(product.sku);
    expect(row).toMatchObject({ id, type: 'product.created' });

    await until(() => published(id), `the relay to publish ${id}`);
    expect((await outboxRowsOf(product.sku))[0]?.kafka_topic).toBe(topics.catalogEvents);
    const message = await catalogEvents.waitFor(
      (m) => m.key === product.sku,
      `product.created for ${product.sku}`,
    );
    const former = formerMessage(product, createdAt);
    expect(message.value).toBe(former.value);
    expect(message.key).toBe(former.key);
    expect(message.headers).toEqual(former.headers);
  });

  it('commits the product, its stock and its event together: a create failing after the writes leaves none', async () => {
    const sku = uniqueSku('OBX');
    const input = { sku, name: 'Rolled back', priceMinor: 700, currency: 'EUR', available: 3 };
    const catalog = createCatalogStore(pool);
    await expect(
      catalog.createProduct(input, { beforeCommit: () => Promise.reject(new Error('dies before COMMIT')) }),
    ).rejects.toThrow('dies before COMMIT');
    const leftovers = await pool.query(
      `SELECT (SELECT count(*) FROM products WHERE sku = $1)::int AS products,
              (SELECT count(*) FROM stock WHERE sku = $1)::int AS stock,
              (SELECT count(*) FROM outbox_events WHERE message_key = $1)::int AS events`,
      [sku],
    );
    expect(leftovers.rows[0]).toEqual({ products: 0, stock: 0, events: 0 });

    // The client's retry creates it, with its one event.
    const retried = await catalog.createProduct(input);
    expect(retried.created).toBe(true);
    expect((await outboxRowsOf(sku)).map((r) => r.id)).toEqual([`product-${sku}:created`]);
  });

  it('writes one event however often the create is retried, none for a refused duplicate SKU, and Kafka carries it once', async () => {
    const product = {
      sku: uniqueSku('OBX'),
      name: 'Clay jug',
      priceMinor: 2_200,
      currency: 'EUR',
      available: 4,
    };
    const id = `product-${product.sku}:created`;
    // Retries racing each other (a client that timed out and sent again) and one after the other.
    const racing = await Promise.all([1, 2, 3, 4].map(() => createProduct(product)));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect((await createProduct(product)).status).toBe(200);
    // The same SKU with other data: the insert finds the SKU taken, and the refusal rolls back.
    const duplicate = await createProduct({ ...product, name: 'Another jug', priceMinor: 1 });
    expect(duplicate.status).toBe(409);

    const rows = await outboxRowsOf(product.sku);
    expect(rows.map((r) => r.id)).toEqual([id]);
    expect(rows[0]?.event).toMatchObject({ data: { name: 'Clay jug', priceMinor: 2_200 } });

    await until(() => published(id), `the relay to publish ${id}`);
    await catalogEvents.waitFor((m) => m.headers.ce_id === id, id);
    // Give a second copy, if any were coming, time to arrive behind the first.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const copies = catalogEvents.all().filter((m) => m.key === product.sku);
    expect(copies.map((m) => m.headers.ce_id)).toEqual([id]);
    const { createdAt } = racing.find((r) => r.status === 201)!.body as { createdAt: string };
    expect(copies[0]?.value).toBe(formerMessage(product, createdAt).value);
  });
});
