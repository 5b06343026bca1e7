/**
 * Checks the promise the event stream makes to consumers, per order: after deduplication by id the
 * sequence runs 1..n without gaps, in arrival order, ids are `order-<orderId>:<sequence>`, and there is
 * exactly one terminal event with nothing but notifications after it.
 */

/** What the audit needs of one consumed event. */
export interface AuditEvent {
  id: string;
  type: string;
  subject: string;
  sequence: number;
}

export const terminalTypes: readonly string[] = ['order.confirmed', 'order.cancelled', 'order.rejected'];

// The customer is notified after the outcome is settled, so these may follow the terminal event.
const mayFollowTerminal = (type: string) => type.startsWith('notification.');

export type Problem =
  | 'gap'
  | 'out_of_order'
  | 'bad_id'
  | 'conflicting_duplicate'
  | 'no_terminal'
  | 'several_terminals'
  | 'event_after_terminal';

export interface OrderAudit {
  orderId: string;
  /** Distinct events (first arrival of each id). */
  events: number;
  /** Arrivals of an id already seen. */
  duplicates: number;
  terminal: string | undefined;
  problems: Problem[];
}

export function auditOrder(orderId: string, arrivals: readonly AuditEvent[]): OrderAudit {
  const seen = new Map<string, AuditEvent>();
  const problems = new Set<Problem>();
  let duplicates = 0;
  let expected = 1;
  const terminals: string[] = [];
  for (const event of arrivals) {
    const first = seen.get(event.id);
    if (first) {
      duplicates++;
      if (first.sequence !== event.sequence || first.type !== event.type)
        problems.add('conflicting_duplicate');
      continue;
    }
    seen.set(event.id, event);
    if (event.id !== `order-${orderId}:${event.sequence}`) problems.add('bad_id');
    if (event.sequence < expected) problems.add('out_of_order');
    else if (event.sequence > expected) problems.add('gap');
    expected = Math.max(expected, event.sequence) + 1;
    if (terminalTypes.includes(event.type)) terminals.push(event.type);
    else if (terminals.length > 0 && !mayFollowTerminal(event.type)) problems.add('event_after_terminal');
  }
  // A late event can fill a gap but still arrived out of order; count what is missing in the end.
  const sequences = new Set([...seen.values()].map((e) => e.sequence));
  const missing = [...Array(Math.max(0, ...sequences)).keys()].some((i) => !sequences.has(i + 1));
  if (!missing) problems.delete('gap');
  if (terminals.length === 0) problems.add('no_terminal');
  if (terminals.length > 1) problems.add('several_terminals');
  return { orderId, events: seen.size, duplicates, terminal: terminals[0], problems: [...problems] };
}

export interface AuditSummary {
  orders: number;
  events: number;
  duplicates: number;
  /** Orders with each problem. */
  problems: Partial<Record<Problem, number>>;
  /** Terminal event type → orders. */
  outcomes: Record<string, number>;
  /** A few order ids with a problem, to look up in the Temporal UI. */
  examples: string[];
  ok: boolean;
}

/** Audits every expected order; an order with no events at all counts as `no_terminal`. */
export function auditOrders(
  orderIds: Iterable<string>,
  eventsBySubject: ReadonlyMap<string, readonly AuditEvent[]>,
): AuditSummary {
  const summary: AuditSummary = {
    orders: 0,
    events: 0,
    duplicates: 0,
    problems: {},
    outcomes: {},
    examples: [],
    ok: true,
  };
  for (const orderId of orderIds) {
    const audit = auditOrder(orderId, eventsBySubject.get(orderId) ?? []);
    summary.orders++;
    summary.events += audit.events;
    summary.duplicates += audit.duplicates;
    if (audit.terminal) summary.outcomes[audit.terminal] = (summary.outcomes[audit.terminal] ?? 0) + 1;
    for (const problem of audit.problems) summary.problems[problem] = (summary.problems[problem] ?? 0) + 1;
    if (audit.problems.length > 0) {
      summary.ok = false;
      if (summary.examples.length < 5) summary.examples.push(`${orderId} (${audit.problems.join(', ')})`);
    }
  }
  return summary;
}

/** One line: PASS or FAIL with the counts behind it. */
export function verdictLine(s: AuditSummary): string {
  const facts = `${s.orders} orders, ${s.events} distinct events, ${s.duplicates} duplicate deliveries (deduplicated by id)`;
  if (s.ok) {
    return `verdict: PASS — ${facts}; every order's events contiguous from 1, in order, ids order-<orderId>:<sequence>, exactly one terminal event`;
  }
  const problems = Object.entries(s.problems)
    .map(([problem, n]) => `${n} ${problem.replace(/_/g, ' ')}`)
    .join(', ');
  return `verdict: FAIL — ${facts}; orders with problems: ${problems}; e.g. ${s.examples.join('; ')}`;
}
