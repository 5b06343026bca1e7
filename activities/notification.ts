/**
 * Customer notification over SMTP. Idempotent per order and kind: a sent mail is recorded, and a retry
 * that finds the record returns it instead of sending again. The Message-ID is deterministic too, so a
 * mail sent just before a crash (and resent) can still be deduplicated by the receiving side.
 */
import type { Pool } from 'pg';
import type { Transporter } from 'nodemailer';
import { stampedOrderEvent } from '../contracts/events';
import type { EventStamp } from '../contracts/events';
import { inTransaction } from '../platform/database';
import { writeToOutbox } from '../platform/outbox';
import { renderOrderMail } from './notification-mail';
import type { NotificationRequest } from './notification-mail';

export interface NotificationResult {
  messageId: string;
  alreadySent: boolean;
}

export function createNotificationActivities(pool: Pool, transport: Transporter, from: string) {
  /** With `sentEvent`, notification.sent is written in the transaction that records the mail. */
  async function sendOrderNotification(
    request: NotificationRequest & { sentEvent?: EventStamp },
  ): Promise<NotificationResult> {
    const { orderId } = request.order;
    const client = await pool.connect();
    try {
      return await inTransaction(client, async () => {
        // Two attempts of the same activity (a timed-out attempt still running beside its retry) take turns,
        // so the second one finds the first one's record instead of sending again.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `notification:${orderId}:${request.kind}`,
        ]);
        const existing = await client.query<{ message_id: string }>(
          'SELECT message_id FROM notifications WHERE order_id = $1 AND kind = $2',
          [orderId, request.kind],
        );
        const recorded = existing.rows[0]?.message_id;
        if (recorded) return { messageId: recorded, alreadySent: true };

        const mail = renderOrderMail(request);
        const messageId = `<${orderId}.${request.kind}@fusioncommerce.local>`;
        const info = (await transport.sendMail({
          from,
          to: request.order.contact.email,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId,
        })) as { accepted?: unknown[] };
        if (!info.accepted || info.accepted.length === 0) {
          throw new Error(`the mail server accepted no recipient for ${request.kind} of order ${orderId}`);
        }
        await client.query('INSERT INTO notifications (order_id, kind, message_id) VALUES ($1, $2, $3)', [
          orderId,
          request.kind,
          messageId,
        ]);
        if (request.sentEvent) {
          await writeToOutbox(client, [
            stampedOrderEvent(request.sentEvent, 'notification.sent', {
              orderId,
              kind: request.kind,
              channel: 'email',
              messageId,
            }),
          ]);
        }
        return { messageId, alreadySent: false };
      });
    } finally {
      client.release();
    }
  }
  return { sendOrderNotification };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
