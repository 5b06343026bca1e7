import { OrderStalled } from '../../contracts/order-alerts';
import { topics, topicsForOrderEvent } from '../../contracts/topics';
import { alertsToRaise } from '../../api/operator/stalled-orders/stall-alerts';
import { stalledAfterReview } from '../../api/operator/stalled-orders/stalled-order-finder';
import type { StalledOrder, StalledOrderCheck } from '../../api/operator/stalled-orders/stalled-order-finder';
import { checkEveryMs } from '../../api/operator/stalled-orders/stalled-order-watchdog';

const minutes = (n: number) => n * 60_000;
const at = (iso: string) => new Date(iso);

function stalled(orderId: string, startedAt: string, reviewDecidedAt?: string): StalledOrder {
  return {
    orderId,
    workflowId: `order-${orderId}`,
    runId: `run-${orderId}`,
    status: reviewDecidedAt ? 'awaiting_review' : 'received',
    startedAt: at(startedAt),
    ...(reviewDecidedAt ? { reviewDecidedAt: at(reviewDecidedAt) } : {}),
    stalledSince: at(reviewDecidedAt ?? startedAt),
  };
}

function check(checkedAt: string, orders: StalledOrder[]): StalledOrderCheck {
  return { checkedAt: at(checkedAt), stalledAfterMs: minutes(5), total: orders.length, orders };
}

const retentionMs = minutes(24 * 60);

describe('the stalled-order watchdog', () => {
  it('counts a held order as stalled only once its review was decided longer ago than the bound', () => {
    const { stalledSince: _, ...started } = stalled('held', '2026-03-01T10:00:00.000Z');
    const held = { ...started, status: 'awaiting_review' as const };
    const orders = [
      { ...held, orderId: 'waiting' },
      { ...held, orderId: 'decided-long-ago' },
      { ...held, orderId: 'decided-just-now' },
    ];
    const decided = new Map([
      ['decided-long-ago', at('2026-03-01T10:20:00.000Z')],
      ['decided-just-now', at('2026-03-01T10:29:00.000Z')],
    ]);
    const found = stalledAfterReview(orders, decided, at('2026-03-01T10:25:00.000Z'));
    expect(found).toEqual([
      {
        ...held,
        orderId: 'decided-long-ago',
        reviewDecidedAt: at('2026-03-01T10:20:00.000Z'),
        stalledSince: at('2026-03-01T10:20:00.000Z'),
      },
    ]);
  });

  it('raises the very same alert for an order at every check, apart from when it was found', () => {
    const order = stalled('o-1', '2026-03-01T10:00:00.000Z');
    const [first] = alertsToRaise(check('2026-03-01T10:06:00.000Z', [order]), retentionMs);
    const [again] = alertsToRaise(check('2026-03-01T10:07:00.000Z', [order]), retentionMs);
    expect(first).toEqual({
      specversion: '1.0',
      id: 'watchdog:order-o-1:2026-03-01T10:00:00.000Z',
      source: '/fusioncommerce/stalled-order-watchdog',
      type: 'order.stalled',
      subject: 'o-1',
      time: '2026-03-01T10:06:00.000Z',
      datacontenttype: 'application/json',
      data: {
        orderId: 'o-1',
        startedAt: '2026-03-01T10:00:00.000Z',
        stalledSince: '2026-03-01T10:00:00.000Z',
      },
    });
    expect(OrderStalled.parse(first)).toEqual(first);
    expect({ ...again, time: first?.time }).toEqual(first);
  });

  it('keeps its alerts out of the numbered order stream: no sequence, a topic of their own', () => {
    const [alert] = alertsToRaise(
      check('2026-03-01T10:06:00.000Z', [stalled('o-1', '2026-03-01T10:00:00.000Z')]),
      retentionMs,
    );
    expect(alert).not.toHaveProperty('sequence');
    expect(topicsForOrderEvent('order.stalled')).toEqual([topics.orderAlerts]);
    expect(topicsForOrderEvent('order.created')).toEqual([topics.orderEvents]);
  });

  it('tells a stall after the review from a stall of the same order before it', () => {
    const beforeReview = stalled('o-2', '2026-03-01T10:00:00.000Z');
    const afterReview = stalled('o-2', '2026-03-01T10:00:00.000Z', '2026-03-01T11:00:00.000Z');
    const ids = alertsToRaise(
      check('2026-03-01T11:06:00.000Z', [beforeReview, afterReview]),
      retentionMs,
    ).map((alert) => alert.id);
    expect(ids).toEqual([
      'watchdog:order-o-2:2026-03-01T10:00:00.000Z',
      'watchdog:order-o-2:2026-03-01T11:00:00.000Z',
    ]);
  });

  it('raises no alert for a stall older than the bound plus the outbox retention, whose first alert may be pruned', () => {
    const order = stalled('o-3', '2026-03-01T10:00:00.000Z');
    const lastChance = new Date(order.stalledSince.getTime() + minutes(5) + retentionMs - 1).toISOString();
    const tooLate = new Date(order.stalledSince.getTime() + minutes(5) + retentionMs).toISOString();
    expect(alertsToRaise(check(lastChance, [order]), retentionMs)).toHaveLength(1);
    expect(alertsToRaise(check(tooLate, [order]), retentionMs)).toEqual([]);
  });

  it('checks often enough to find a stalled order at most a fifth of the bound late, and at least every minute', () => {
    expect(checkEveryMs(minutes(5))).toBe(60_000);
    expect(checkEveryMs(minutes(2))).toBe(24_000);
    expect(checkEveryMs(minutes(60))).toBe(60_000);
  });
});
