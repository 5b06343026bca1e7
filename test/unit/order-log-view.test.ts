import type { OrderEvent } from '../../contracts/events';
import type { PricedOrder } from '../../contracts/order';
import { IncompleteOrderLogError, orderStateFromLog } from '../../api/orders/order-log-view';

const order: PricedOrder = {
  orderId: 'ord-1',
  customerId: 'c-1',
  lines: [{ sku: 'SKU-1', quantity: 2, name: 'Mug', unitPriceMinor: 500, lineTotalMinor: 1_000 }],
  currency: 'EUR',
  totalMinor: 1_000,
  shippingAddress: { name: 'Ada', line1: '1 Row', city: 'London', postalCode: 'N1', country: 'GB' },
  contact: { email: 'ada@example.com' },
  placedAt: '2026-11-26T10:00:00.000Z',
};
const money = { orderId: 'ord-1', customerId: 'c-1', totalMinor: 1_000, currency: 'EUR' };
const lines = [{ sku: 'SKU-1', quantity: 2 }];

function events(...items: [OrderEvent['type'], Record<string, unknown>][]): OrderEvent[] {
  return items.map(
    ([type, data], i) =>
      ({
        specversion: '1.0',
        id: `order-ord-1:${i + 1}`,
        source: 'test',
        subject: 'ord-1',
        time: `2026-11-26T10:00:0${i + 1}.000Z`,
        datacontenttype: 'application/json',
        sequence: i + 1,
        type,
        data,
      }) as OrderEvent,
  );
}

describe("an order's state rebuilt from its event log", () => {
  it('follows a review hold that ends in a cancellation: released stock, compensation, reason', () => {
    const state = orderStateFromLog({
      order,
      startedAt: '2026-11-26T10:00:00.500Z',
      events: events(
        [
          'order.created',
          { ...money, lines: [{ ...lines[0], unitPriceMinor: 500 }], placedAt: order.placedAt },
        ],
        ['inventory.reserved', { orderId: 'ord-1', lines }],
        ['fraud.assessed', { orderId: 'ord-1', decision: 'review', score: 60, reasons: [] }],
        [
          'order.review_required',
          { ...money, score: 60, reasons: [], reviewDeadline: '2026-11-27T10:00:00.000Z' },
        ],
        ['inventory.released', { orderId: 'ord-1', lines }],
        ['order.cancelled', { ...money, reason: 'changed my mind', requestedBy: 'c-1' }],
        [
          'notification.sent',
          { orderId: 'ord-1', kind: 'order_cancelled', channel: 'email', messageId: 'm-1' },
        ],
      ),
      fraud: { decision: 'review', score: 60, reasons: [], thresholds: { review: 50, reject: 90 } },
    });
    expect(state).toMatchObject({
      status: 'cancelled',
      reason: 'changed my mind',
      reservation: { status: 'released', lines },
      fraud: { thresholds: { review: 50, reject: 90 } },
      cancellation: {
        reason: 'changed my mind',
        requestedBy: 'c-1',
        requestedAt: '2026-11-26T10:00:06.000Z',
      },
      compensations: [{ step: 'release inventory', outcome: 'done' }],
      notification: { kind: 'order_cancelled', outcome: 'sent' },
      eventsPublished: 7,
    });
    expect(state.timeline).toEqual([
      { status: 'received', at: '2026-11-26T10:00:00.500Z' },
      { status: 'reserving', at: '2026-11-26T10:00:01.000Z' },
      { status: 'assessing_fraud', at: '2026-11-26T10:00:02.000Z' },
      {
        status: 'awaiting_review',
        at: '2026-11-26T10:00:04.000Z',
        note: 'decision due by 2026-11-27T10:00:00.000Z',
      },
      { status: 'compensating', at: '2026-11-26T10:00:05.000Z' },
      { status: 'cancelled', at: '2026-11-26T10:00:06.000Z', note: 'changed my mind' },
    ]);
  });

  it('follows a card payment that is refunded when a later step fails', () => {
    const pi = { orderId: 'ord-1', paymentIntentId: 'pi_1', amountMinor: 1_000, currency: 'EUR' };
    const state = orderStateFromLog({
      order,
      startedAt: order.placedAt,
      events: events(
        [
          'order.created',
          { ...money, lines: [{ ...lines[0], unitPriceMinor: 500 }], placedAt: order.placedAt },
        ],
        ['inventory.reserved', { orderId: 'ord-1', lines }],
        ['payment.authorized', pi],
        ['fraud.assessed', { orderId: 'ord-1', decision: 'approve', score: 0, reasons: [] }],
        ['payment.captured', pi],
        ['payment.refunded', { ...pi, refundId: 're_1' }],
        ['inventory.released', { orderId: 'ord-1', lines }],
        ['order.rejected', { ...money, code: 'step_failed', reason: 'a step failed: commit' }],
      ),
    });
    expect(state).toMatchObject({
      status: 'rejected',
      payment: { status: 'refunded', paymentIntentId: 'pi_1', amountMinor: 1_000 },
      compensations: [
        { step: 'void payment', outcome: 'done' },
        { step: 'release inventory', outcome: 'done' },
      ],
    });
    expect(state.timeline.map((t) => t.status)).toEqual([
      'received',
      'reserving',
      'assessing_fraud',
      'confirming',
      'compensating',
      'rejected',
    ]);
  });

  it('refuses a log with a gap (events pruned after the retention): no half-true view', () => {
    const log = events(['order.created', { ...money, lines: [], placedAt: order.placedAt }]);
    const [first] = log;
    expect(() =>
      orderStateFromLog({ order, startedAt: order.placedAt, events: [{ ...first!, sequence: 3 }] }),
    ).toThrow(IncompleteOrderLogError);
  });
});
