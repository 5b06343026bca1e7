import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { OrderEvent, orderEventId, orderEventTypes } from '../../contracts/events';
import { OrderInput, PricedOrder, orderSummary } from '../../contracts/order';
import { renderJsonSchemas, schemaDir } from '../../scripts/json-schema';
import { pricedOrder } from '../support/catalog';

describe('contracts', () => {
  it('accepts a well-formed order and explains what is wrong with a bad one', () => {
    const good = {
      customerId: 'c-1',
      lines: [{ sku: 'MUG-1', quantity: 2 }],
      shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'DE' },
      contact: { email: 'a@example.com' },
    };
    expect(OrderInput.safeParse(good).success).toBe(true);
    const bad = OrderInput.safeParse({
      ...good,
      lines: [
        { sku: 'mug', quantity: 0 },
        { sku: 'mug', quantity: 1 },
      ],
    });
    expect(bad.success).toBe(false);
    const issues = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'lines.0.sku: SKU must be 1-64 upper-case letters, digits, ".", "_" or "-"',
        'lines.0.quantity: quantity must be at least 1',
      ]),
    );
  });

  it('refuses a priced order whose totals do not add up', () => {
    const order = pricedOrder([{ sku: 'A-1', quantity: 2, unitPriceMinor: 500 }]);
    expect(PricedOrder.safeParse(order).success).toBe(true);
    const wrong = PricedOrder.safeParse({ ...order, totalMinor: order.totalMinor + 1 });
    expect(wrong.error?.issues.map((i) => i.message)).toEqual([
      'total must equal the sum of the line totals',
    ]);
  });

  it('summarises an order in one line for the Temporal UI', () => {
    const order = pricedOrder([{ sku: 'A-1', quantity: 2, unitPriceMinor: 1250 }], {
      orderId: 'o-1',
      customerId: 'c-9',
    });
    expect(orderSummary(order)).toBe('Order o-1 · 2 items · 25.00 EUR · customer c-9');
  });

  it('validates an event envelope against the schema of its type', () => {
    const event = {
      specversion: '1.0',
      id: orderEventId('order-o-1', 1),
      source: '/fusioncommerce/order-saga',
      type: 'order.confirmed',
      subject: 'o-1',
      time: '2026-01-01T00:00:00.000Z',
      datacontenttype: 'application/json',
      sequence: 1,
      data: { orderId: 'o-1', customerId: 'c-1', totalMinor: 100, currency: 'EUR' },
    };
    expect(OrderEvent.safeParse(event).success).toBe(true);
    expect(OrderEvent.safeParse({ ...event, data: { orderId: 'o-1' } }).success).toBe(false);
    expect(OrderEvent.safeParse({ ...event, type: 'order.shipped' }).success).toBe(false);
    expect(event.id).toBe('order-o-1:1');
  });

  it('ships an up-to-date JSON Schema for every event type (run `npm run contracts:json-schema`)', () => {
    const generated = renderJsonSchemas();
    expect(readdirSync(schemaDir).sort()).toEqual([...generated.keys()].sort());
    for (const [name, text] of generated)
      expect([name, readFileSync(path.join(schemaDir, name), 'utf8')]).toEqual([name, text]);
    expect(orderEventTypes.every((t) => generated.has(`${t}.schema.json`))).toBe(true);
  });
});
