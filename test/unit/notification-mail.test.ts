import { renderOrderMail } from '../../activities/notification-mail';
import { pricedOrder } from '../support/catalog';

describe('customer mail', () => {
  it('names the order, its lines and its total in text and HTML, escaping product names', () => {
    const order = pricedOrder([{ sku: 'MUG-1', quantity: 2, unitPriceMinor: 1_250 }], { orderId: 'o-7' });
    order.lines[0]!.name = 'Mug <b>XL</b>';
    const mail = renderOrderMail({ kind: 'order_confirmed', order });
    expect(mail.subject).toBe('Your order o-7 is confirmed');
    expect(mail.text).toContain('2 × Mug <b>XL</b> (MUG-1) at 12.50 EUR = 25.00 EUR');
    expect(mail.text).toContain('Total: 25.00 EUR');
    expect(mail.html).toContain('Mug &lt;b&gt;XL&lt;/b&gt; (MUG-1)');
    expect(mail.html).not.toContain('<b>XL</b>');
  });

  it('gives the reason of a cancellation', () => {
    const order = pricedOrder([{ sku: 'MUG-1', quantity: 1, unitPriceMinor: 100 }], { orderId: 'o-8' });
    const mail = renderOrderMail({ kind: 'order_cancelled', order, reason: 'changed my mind' });
    expect(mail.subject).toBe('Your order o-8 was cancelled');
    expect(mail.text).toContain('Reason: changed my mind');
  });
});
