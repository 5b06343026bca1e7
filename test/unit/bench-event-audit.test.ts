import type { AuditEvent } from '../../harness/event-audit';
import { auditOrder, auditOrders, verdictLine } from '../../harness/event-audit';

const event = (orderId: string, sequence: number, type: string): AuditEvent => ({
  id: `order-${orderId}:${sequence}`,
  subject: orderId,
  sequence,
  type,
});
const happy = (orderId: string) => [
  event(orderId, 1, 'order.created'),
  event(orderId, 2, 'inventory.reserved'),
  event(orderId, 3, 'fraud.assessed'),
  event(orderId, 4, 'order.confirmed'),
  event(orderId, 5, 'notification.sent'),
];

describe('benchmark event audit', () => {
  it('accepts contiguous events in order with one terminal event followed only by a notification', () => {
    expect(auditOrder('o1', happy('o1'))).toEqual({
      orderId: 'o1',
      events: 5,
      duplicates: 0,
      terminal: 'order.confirmed',
      problems: [],
    });
  });

  it('counts redelivered events as duplicates and audits the deduplicated stream', () => {
    const [e1, e2, e3] = happy('o1');
    const arrivals = [e1!, e2!, e1!, e2!, e3!, ...happy('o1').slice(3), e3!];
    const audit = auditOrder('o1', arrivals);
    expect(audit.duplicates).toBe(3);
    expect(audit.events).toBe(5);
    expect(audit.problems).toEqual([]);
  });

  it('reports a gap when a sequence number never arrives', () => {
    const events = happy('o1').filter((e) => e.sequence !== 3);
    expect(auditOrder('o1', events).problems).toEqual(['gap']);
  });

  it('reports an event that arrived after a later one as out of order, not as a gap', () => {
    const [e1, e2, e3, e4, e5] = happy('o1');
    expect(auditOrder('o1', [e1!, e3!, e2!, e4!, e5!]).problems).toEqual(['out_of_order']);
  });

  it('reports an id that is not order-<orderId>:<sequence>', () => {
    const events = happy('o1').map((e, i) => (i === 1 ? { ...e, id: 'random-id' } : e));
    expect(auditOrder('o1', events).problems).toEqual(['bad_id']);
  });

  it('reports the same id carrying a different event', () => {
    const events = [...happy('o1'), { ...event('o1', 2, 'fraud.assessed') }];
    expect(auditOrder('o1', events).problems).toContain('conflicting_duplicate');
  });

  it('requires exactly one terminal event and nothing but notifications after it', () => {
    const unsettled = happy('o1').slice(0, 3);
    expect(auditOrder('o1', unsettled).problems).toEqual(['no_terminal']);
    const twice = [...happy('o1'), event('o1', 6, 'order.cancelled')];
    expect(auditOrder('o1', twice).problems).toEqual(['several_terminals']);
    const after = [...happy('o1').slice(0, 4), event('o1', 5, 'inventory.released')];
    expect(auditOrder('o1', after).problems).toEqual(['event_after_terminal']);
  });

  it('counts an expected order without any event as unsettled and fails the verdict', () => {
    const summary = auditOrders(['o1', 'o2'], new Map([['o1', happy('o1')]]));
    expect(summary).toMatchObject({ orders: 2, events: 5, ok: false, problems: { no_terminal: 1 } });
    expect(summary.examples).toEqual(['o2 (no_terminal)']);
    expect(verdictLine(summary)).toMatch(/^verdict: FAIL — 2 orders, .*1 no terminal/);
  });

  it('passes when every order is whole, tallying outcomes and ignoring other orders on the topic', () => {
    const cancelled = [
      event('o2', 1, 'order.created'),
      event('o2', 2, 'inventory.reserved'),
      event('o2', 3, 'inventory.released'),
      event('o2', 4, 'order.cancelled'),
    ];
    const other = [event('x', 2, 'order.confirmed')];
    const summary = auditOrders(
      ['o1', 'o2'],
      new Map([
        ['o1', [...happy('o1'), happy('o1')[0]!]],
        ['o2', cancelled],
        ['x', other],
      ]),
    );
    expect(summary).toMatchObject({
      orders: 2,
      events: 9,
      duplicates: 1,
      ok: true,
      outcomes: { 'order.confirmed': 1, 'order.cancelled': 1 },
    });
    expect(verdictLine(summary)).toMatch(/^verdict: PASS — 2 orders, 9 distinct events, 1 duplicate/);
  });
});
