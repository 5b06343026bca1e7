/** What the command consumer records in the order command log for the order timeline. */
import type { KafkaPlacement } from '../contracts/http-timeline';
import type { CommandRecord } from '../platform/order-command-log';
import type { Disposition } from './command-consumer';

/**
 * The log row of a handled command: applied, or refused by its saga or because the order has ended. A
 * message that was no command, or named no existing order, touched no order and is not recorded. The row
 * id is the command id, so a redelivered command (the same id at a later offset) is recorded once.
 */
export function commandRecord(
  disposition: Disposition,
  source: KafkaPlacement,
  receivedAt: Date,
): CommandRecord | undefined {
  const command = disposition.kind === 'applied' ? disposition.command : disposition.parsed;
  if (!command) return undefined;
  if (disposition.kind === 'dead-letter' && disposition.code === 'order_not_found') return undefined;
  const common = {
    id: `kafka:${command.commandId}`,
    orderId: command.orderId,
    channel: 'kafka' as const,
    request: { ...command.payload },
    kafka: source,
    receivedAt,
    ...(disposition.kind === 'applied'
      ? { outcome: 'applied' as const }
      : { outcome: 'refused' as const, reason: disposition.reason }),
  };
  return command.type === 'order.cancel'
    ? { ...common, kind: 'cancel', actor: command.payload.requestedBy }
    : { ...common, kind: 'review_decision', actor: command.payload.reviewer };
}
