/**
 * Commands other services (n8n, back offices) send on `topics.orderCommands` (key = order id), and the
 * dead-letter record written to `topics.orderCommandsDeadLetter` when one is invalid or refused.
 */
import { z } from 'zod';
import { CancellationRequest, ReviewDecision } from './order-messages';
import { OrderId } from './order';

/** Also the Temporal update id: a redelivered command applies once. */
export const CommandId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'commandId must be printable ASCII without spaces');

const commandBase = { commandId: CommandId, orderId: OrderId };

export const OrderCommand = z.discriminatedUnion('type', [
  z.object({ ...commandBase, type: z.literal('order.review.decide'), payload: ReviewDecision }),
  z.object({ ...commandBase, type: z.literal('order.cancel'), payload: CancellationRequest }),
]);
export type OrderCommand = z.infer<typeof OrderCommand>;

export const DeadLetterCode = z.enum([
  /** The message was not JSON. */
  'malformed_json',
  /** JSON, but not a command this schema knows. */
  'invalid_command',
  /** No order with that id. */
  'order_not_found',
  /** The order has ended; nothing can change it any more. */
  'order_closed',
  /** The saga refused the command (its update validator said why). */
  'refused',
]);
export type DeadLetterCode = z.infer<typeof DeadLetterCode>;

export const DeadLetter = z.object({
  code: DeadLetterCode,
  reason: z.string(),
  failedAt: z.iso.datetime(),
  source: z.object({
    topic: z.string(),
    partition: z.number().int().nonnegative(),
    offset: z.string(),
    key: z.string().optional(),
  }),
  commandId: z.string().optional(),
  /** The parsed message when it was JSON, else absent. */
  command: z.unknown().optional(),
  /** The message as received when it was not JSON (truncated to 64 KiB). */
  raw: z.string().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** Headers of a dead-letter record (the original message's headers are kept beside them). */
export const deadLetterHeaders = {
  code: 'x-dead-letter-code',
  reason: 'x-dead-letter-reason',
  sourceTopic: 'x-dead-letter-source-topic',
  sourcePartition: 'x-dead-letter-source-partition',
  sourceOffset: 'x-dead-letter-source-offset',
} as const;
