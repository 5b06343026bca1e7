/** Explainable fraud scoring: each rule that fires adds a scored reason; thresholds turn the sum into a decision. */
import type { FraudAssessment, FraudReason } from '../contracts/fraud';
import type { PricedOrder } from '../contracts/order';
import { formatMoney } from '../contracts/order';
import type { AppConfig } from '../platform/config';

export type FraudSettings = AppConfig['fraud'];

/** What the rules know about the customer's history, read from the database by the activity. */
export interface CustomerHistory {
  /** Orders of this customer placed before this one, ever. */
  earlierOrders: number;
  /** Orders of this customer placed within the velocity window before this one. */
  earlierOrdersInWindow: number;
}

export const ruleScores = {
  high_amount: 30,
  very_high_amount: 60,
  velocity: 40,
  first_order: 20,
  quantity_spike: 25,
  blocklisted_email: 100,
  blocklisted_address: 100,
} as const;

const normalise = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

function emailBlocklisted(email: string, blocklist: readonly string[]): boolean {
  const address = email.toLowerCase();
  const domain = address.slice(address.lastIndexOf('@'));
  return blocklist.some((entry) => entry === address || (entry.startsWith('@') && entry === domain));
}

function addressBlocklisted(order: PricedOrder, blocklist: readonly string[]): boolean {
  const a = order.shippingAddress;
  const text = normalise([a.line1, a.line2 ?? '', a.postalCode, a.city, a.country].join(' '));
  return blocklist.some((entry) => normalise(entry).length > 0 && text.includes(normalise(entry)));
}

export function scoreOrder(
  order: PricedOrder,
  history: CustomerHistory,
  settings: FraudSettings,
): FraudAssessment {
  const reasons: FraudReason[] = [];
  const total = formatMoney(order.totalMinor, order.currency);
  const high = settings.highAmountMinor;
  if (order.totalMinor >= high * 4) {
    reasons.push({
      code: 'very_high_amount',
      score: ruleScores.very_high_amount,
      detail: `total ${total} is at least 4× the high-amount limit ${formatMoney(high, order.currency)}`,
    });
  } else if (order.totalMinor >= high) {
    reasons.push({
      code: 'high_amount',
      score: ruleScores.high_amount,
      detail: `total ${total} is at least ${formatMoney(high, order.currency)}`,
    });
  }
  if (history.earlierOrdersInWindow >= settings.velocityMaxOrders) {
    reasons.push({
      code: 'velocity',
      score: ruleScores.velocity,
      detail: `${history.earlierOrdersInWindow} earlier orders in the last ${settings.velocityWindowMinutes} minutes`,
    });
  }
  if (history.earlierOrders === 0) {
    reasons.push({
      code: 'first_order',
      score: ruleScores.first_order,
      detail: 'first order of this customer',
    });
  }
  const spikes = order.lines.filter((l) => l.quantity >= settings.quantitySpike);
  if (spikes.length > 0) {
    reasons.push({
      code: 'quantity_spike',
      score: ruleScores.quantity_spike,
      detail: `quantity of at least ${settings.quantitySpike} for ${spikes.map((l) => l.sku).join(', ')}`,
    });
  }
  if (emailBlocklisted(order.contact.email, settings.blocklistEmails)) {
    reasons.push({
      code: 'blocklisted_email',
      score: ruleScores.blocklisted_email,
      detail: 'contact e-mail is on the blocklist',
    });
  }
  if (addressBlocklisted(order, settings.blocklistAddresses)) {
    reasons.push({
      code: 'blocklisted_address',
      score: ruleScores.blocklisted_address,
      detail: 'shipping address is on the blocklist',
    });
  }
  const score = reasons.reduce((sum, r) => sum + r.score, 0);
  const decision =
    score >= settings.rejectScore ? 'reject' : score >= settings.reviewScore ? 'review' : 'approve';
  return {
    decision,
    score,
    reasons,
    thresholds: { review: settings.reviewScore, reject: settings.rejectScore },
  };
}
