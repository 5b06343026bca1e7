/**
 * Apache Druid (stack/servers/druid.sh) ingesting the Kafka topics through the supervisors in
 * stack/druid/supervisors: an event produced to a topic must become a row, with its CloudEvents envelope
 * and data flattened into columns, queryable through the broker's SQL endpoint within seconds.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { OrderEvent, ProductCreated, orderEventId, stampedOrderEvent } from '../../contracts/events';
import { topics } from '../../contracts/topics';
import { loadConfig } from '../../platform/config';
import { createIdempotentProducer, createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';

const config = loadConfig();
const kafka: Kafka = createKafka(config, createLogger(config, 'test'), 'smoke-druid');
const brokerUrl = config.analytics.brokerUrl;

/**
 * How long a produced event may take to become queryable: 0.1-0.2 s measured once Druid runs, about 8 s right
 * after `up` (a fresh Druid reads the topics from the beginning; a restarted broker first learns the columns).
 */
const INGEST_DEADLINE_MS = 30_000;

type Row = Record<string, unknown>;

async function sql(query: string, parameters: readonly string[]): Promise<Row[]> {
  const response = await fetch(`${brokerUrl}/druid/v2/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, parameters: parameters.map((value) => ({ type: 'VARCHAR', value })) }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`Druid SQL answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Row[];
}

/**
 * Polls the query until it returns `count` rows; fails with what it last saw after the deadline. Errors
 * count as "not yet": right after Druid starts, the broker plans against the columns of the segments it has
 * announced so far, and a column only the newest segments carry is "not found" for a few seconds.
 */
async function rowsWithin(query: string, parameters: readonly string[], count: number): Promise<Row[]> {
  const deadline = Date.now() + INGEST_DEADLINE_MS;
  let last: unknown = [];
  while (Date.now() < deadline) {
    try {
      const rows = await sql(query, parameters);
      if (rows.length >= count) return rows;
      last = rows;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`expected ${count} rows within ${INGEST_DEADLINE_MS} ms, last saw ${JSON.stringify(last)}`);
}

async function produce(topic: string, key: string, values: readonly unknown[]): Promise<void> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: values.map((value) => ({ key, value: JSON.stringify(value) })),
    });
  } finally {
    await producer.disconnect();
  }
}

function orderEvent(orderId: string, sequence: number, time: Date, event: Pick<OrderEvent, 'type' | 'data'>) {
  const stamp = { id: orderEventId(orderId, sequence), subject: orderId, sequence, time: time.toISOString() };
  return OrderEvent.parse(stampedOrderEvent(stamp, event.type, event.data));
}

describe('Druid (real) ingesting the Kafka topics', () => {
  it('makes produced order events queryable through the broker with the envelope and data flattened', async () => {
    const orderId = `smoke-druid-${randomUUID()}`;
    const customerId = `cust-${randomUUID().slice(0, 8)}`;
    const t0 = Date.now();
    const at = (ms: number) => new Date(t0 + ms);
    const events = [
      orderEvent(orderId, 1, at(0), {
        type: 'order.created',
        data: {
          orderId,
          customerId,
          lines: [
            { sku: 'SMOKE-DRUID-A', quantity: 2, unitPriceMinor: 1250 },
            { sku: 'SMOKE-DRUID-B', quantity: 1, unitPriceMinor: 500 },
          ],
          totalMinor: 3000,
          currency: 'EUR',
          placedAt: at(0).toISOString(),
        },
      }),
      orderEvent(orderId, 2, at(1), {
        type: 'fraud.assessed',
        data: {
          orderId,
          decision: 'reject',
          score: 95,
          reasons: [{ code: 'blocklisted_email', score: 95, detail: 'smoke' }],
        },
      }),
      orderEvent(orderId, 3, at(2), {
        type: 'order.rejected',
        data: {
          orderId,
          customerId,
          totalMinor: 3000,
          currency: 'EUR',
          code: 'fraud_rejected',
          reason: 'blocked by the smoke test',
        },
      }),
    ];
    await produce(topics.orderEvents, orderId, events);
    const producedAt = Date.now();

    // A scan orders by __time only; the events are a millisecond apart, so that is sequence order.
    const rows = await rowsWithin(
      `SELECT __time, type, subject, orderId, id, sequence, customerId, totalMinor, currency,
              skus, quantities, decision, score, fraudReasons, code, reason
       FROM order_events WHERE subject = ? ORDER BY __time`,
      [orderId],
      events.length,
    );
    // Reported, not asserted beyond the deadline: docs/stack.md quotes this figure.
    console.log(`Druid: ${events.length} order events queryable ${Date.now() - producedAt} ms after produce`);

    expect(rows).toEqual([
      {
        __time: at(0).toISOString(),
        type: 'order.created',
        subject: orderId,
        orderId,
        id: `${orderId}:1`,
        sequence: 1,
        customerId,
        totalMinor: 3000,
        currency: 'EUR',
        // A multi-value string column comes back from SQL as a JSON array in a string.
        skus: JSON.stringify(['SMOKE-DRUID-A', 'SMOKE-DRUID-B']),
        quantities: JSON.stringify([2, 1]),
        decision: null,
        score: null,
        fraudReasons: null,
        code: null,
        reason: null,
      },
      expect.objectContaining({
        __time: at(1).toISOString(),
        type: 'fraud.assessed',
        sequence: 2,
        decision: 'reject',
        score: 95,
        fraudReasons: 'blocklisted_email',
        customerId: null,
      }),
      expect.objectContaining({
        type: 'order.rejected',
        sequence: 3,
        customerId,
        totalMinor: 3000,
        code: 'fraud_rejected',
        reason: 'blocked by the smoke test',
      }),
    ]);

    // One row per SKU from the multi-value column: what a per-SKU figure groups by.
    const perSku = await sql(
      `SELECT skus AS sku, COUNT(*) AS n FROM order_events WHERE subject = ? GROUP BY 1 ORDER BY 1`,
      [orderId],
    );
    expect(perSku).toEqual([
      { sku: null, n: 2 },
      { sku: 'SMOKE-DRUID-A', n: 1 },
      { sku: 'SMOKE-DRUID-B', n: 1 },
    ]);
  });

  it('makes a produced catalog event queryable with its product fields', async () => {
    const sku = `SMOKE-${randomUUID().slice(0, 8).toUpperCase()}`;
    const event = ProductCreated.parse({
      specversion: '1.0',
      id: `product.created:${sku}`,
      source: '/fusioncommerce/smoke',
      subject: sku,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      type: 'product.created',
      data: { sku, name: 'Smoke lamp', priceMinor: 4900, currency: 'EUR' },
    });
    await produce(topics.catalogEvents, sku, [event]);

    const rows = await rowsWithin(
      'SELECT type, subject, sku, name, priceMinor, currency FROM catalog_events WHERE sku = ?',
      [sku],
      1,
    );
    expect(rows).toEqual([
      { type: 'product.created', subject: sku, sku, name: 'Smoke lamp', priceMinor: 4900, currency: 'EUR' },
    ]);
  });
});
