/** Renders the customer mails (text and HTML) for an order outcome. Pure: no I/O. */
import type { PricedOrder } from '../contracts/order';
import { formatMoney } from '../contracts/order';
import type { NotificationKind } from '../contracts/notification';

export interface NotificationRequest {
  kind: NotificationKind;
  order: PricedOrder;
  /** Customer-facing reason for a cancellation or rejection (never fraud internals). */
  reason?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const headlines: Record<NotificationKind, (id: string) => string> = {
  order_confirmed: (id) => `Your order ${id} is confirmed`,
  order_cancelled: (id) => `Your order ${id} was cancelled`,
  order_rejected: (id) => `We could not accept your order ${id}`,
};

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function renderOrderMail({ kind, order, reason }: NotificationRequest): RenderedMail {
  const subject = headlines[kind](order.orderId);
  const money = (minor: number) => formatMoney(minor, order.currency);
  const lines = order.lines.map(
    (l) => `${l.quantity} × ${l.name} (${l.sku}) at ${money(l.unitPriceMinor)} = ${money(l.lineTotalMinor)}`,
  );
  const total = `Total: ${money(order.totalMinor)}`;
  const text = [subject, '', ...(reason ? [`Reason: ${reason}`, ''] : []), ...lines, '', total, ''].join(
    '\n',
  );
  const html = [
    `<h1>${escapeHtml(subject)}</h1>`,
    reason ? `<p>Reason: ${escapeHtml(reason)}</p>` : '',
    '<table>',
    ...order.lines.map(
      (l) =>
        `<tr><td>${l.quantity} ×</td><td>${escapeHtml(l.name)} (${escapeHtml(l.sku)})</td><td>${money(l.unitPriceMinor)}</td><td>${money(l.lineTotalMinor)}</td></tr>`,
    ),
    '</table>',
    `<p><strong>${escapeHtml(total)}</strong></p>`,
  ].join('\n');
  return { subject, text, html };
}
