import nodemailer from 'nodemailer';
import type { Pool } from 'pg';
import { createNotificationActivities } from '../../activities/notification';
import { loadConfig } from '../../platform/config';
import { createPool, migrate } from '../../platform/database';
import { pricedOrder } from '../support/catalog';
import { MailInbox } from '../support/mail-inbox';

const config = loadConfig();
let pool: Pool;
const transport = nodemailer.createTransport(config.mail.smtpUrl);

beforeAll(async () => {
  pool = createPool(config);
  await migrate(pool);
});
afterAll(async () => {
  transport.close();
  await pool.end();
});

describe('notification activity (real SMTP and PostgreSQL)', () => {
  it('sends one mail per order and kind, however often it is retried', async () => {
    const { sendOrderNotification } = createNotificationActivities(pool, transport, config.mail.from);
    const order = pricedOrder([{ sku: 'MUG-1', quantity: 1, unitPriceMinor: 500 }]);
    const [first, concurrent] = await Promise.all([
      sendOrderNotification({ kind: 'order_confirmed', order }),
      sendOrderNotification({ kind: 'order_confirmed', order }),
    ]);
    const again = await sendOrderNotification({ kind: 'order_confirmed', order });
    const other = await sendOrderNotification({ kind: 'order_cancelled', order, reason: 'test' });

    // Every attempt answers as the first one did, concurrent or later.
    const messageId = `<${order.orderId}.order_confirmed@fusioncommerce.local>`;
    expect([first, concurrent, again]).toEqual(Array(3).fill({ messageId }));
    expect(other).toEqual({ messageId: `<${order.orderId}.order_cancelled@fusioncommerce.local>` });
    const mails = await new MailInbox(config.mail.inboxUrl ?? '').waitFor(order.contact.email, 2);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      `Your order ${order.orderId} is confirmed`,
      `Your order ${order.orderId} was cancelled`,
    ]);
  });
});
