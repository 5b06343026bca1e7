/**
 * Customer notification over SMTP. Idempotent per order and kind: a sent mail is recorded with its event,
 * and a repeat that finds the record answers it (the same Message-ID) instead of sending again.
 *
 * What mail promises: at least once, with a stable Message-ID. SMTP has no idempotency key, so a mail the
 * server accepted just before the process died (or before PostgreSQL could record it) is sent again by the
 * repeat, with the same Message-ID (`<orderId>.<kind>@…`), which mail clients and providers use to
 * deduplicate; notification.sent is written once.
 */
import type { Pool } from 'pg';
import type { Transporter } from 'nodemailer';
import { stampedOrderEvent } from '../contracts/events';
import type { EventStamp } from '../contracts/events';
import { crashPoints } from '../platform/crash-points';
import type { CrashPoints } from '../platform/crash-points';
import { inTransaction } from '../platform/database';
import { writeToOutbox } from '../platform/outbox';
import { renderOrderMail } from './notification-mail';
import type { NotificationRequest } from './notification-mail';

/** The answer of every attempt, first or repeat: the mail's Message-ID. */
export interface NotificationResult {
  messageId: string;
}

export function createNotificationActivities(
  pool: Pool,
  transport: Transporter,
  from: string,
  /** Crash tests: `mailAccepted@<orderId>` kills the process between the SMTP accept and the record. */
  points: CrashPoints = crashPoints([]),
) {
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
        if (recorded) return { messageId: recorded };

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
        points.reach('mailAccepted', orderId);
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
        return { messageId };
      });
    } finally {
      client.release();
    }
  }
  return { sendOrderNotification };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
