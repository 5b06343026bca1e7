/**
 * Consumes `topics.orderCommands` and applies each command to its order saga through the same updates
 * the API uses, with the command id as the update id, so a redelivered command applies once. Invalid and
 * refused commands go to `topics.orderCommandsDeadLetter` with the reason. An offset is committed only
 * after Temporal answered (applied or refused) or the dead letter was written; a transient failure
 * (Temporal unreachable) is thrown, so kafkajs retries the message and nothing is committed or lost.
 */
import type { Client } from '@temporalio/client';
import { updateFailureOf } from '../platform/update-failures';
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { z } from 'zod';
import { DeadLetter, OrderCommand, deadLetterHeaders } from '../contracts/commands';
import type { DeadLetterCode } from '../contracts/commands';
import { topics } from '../contracts/topics';
import type { AppConfig } from '../platform/config';
import type { Service } from '../platform/lifecycle';
import type { Logger } from '../platform/logger';
import type { OrderCommandLog } from '../platform/order-command-log';
import type { SagaStartOutbox } from '../platform/saga-start-outbox';
import { cancelUpdate, decideReviewUpdate, orderWorkflowId } from '../workflows/messages';
import { OrderStatusKey } from '../workflows/search-attributes';
import { commandRecord } from './command-recording';

/** How a command ended: applied to its saga, or rejected with a dead-letter code and reason. */
export type Disposition =
  | { kind: 'applied'; command: OrderCommand }
  | {
      kind: 'dead-letter';
      code: DeadLetterCode;
      reason: string;
      command?: unknown;
      raw?: string;
      /** The command, when it was valid (refused, or for an order that has ended or never existed). */
      parsed?: OrderCommand;
    };

/** Applies a valid command; resolves when Temporal accepted it, throws Temporal's error otherwise. */
export type ApplyCommand = (command: OrderCommand) => Promise<void>;
/** The final status of an order whose saga has ended (for the dead-letter reason). */
export type FinalStatus = (orderId: string) => Promise<string | undefined>;
/** True when the order is accepted and its saga not started yet (it waits in the start outbox). */
export type AwaitingStart = (orderId: string) => Promise<boolean>;

/**
 * A command for an order the API accepted a moment ago (or while Temporal was down) whose saga has not
 * started yet. Thrown like any fault, so the message is retried, never dead-lettered as a missing order:
 * the API starts the saga (at once, or by its start-outbox sweeper within seconds) and the retry applies.
 */
export class SagaNotStartedError extends Error {
  constructor(orderId: string) {
    super(`order ${orderId} is accepted but its saga has not started yet; the command is retried`);
    this.name = 'SagaNotStartedError';
  }
}

const MAX_RAW_CHARS = 64 * 1024;
// A command waits for its saga to settle (seconds); this bounds it when a worker is down, then kafkajs retries.
const APPLY_TIMEOUT_MS = 60_000;
const HEARTBEAT_EVERY_MS = 3_000;

/** Parses, validates and applies one message; decides between applied, dead letter and (by throwing) retry. */
export async function dispose(
  value: Buffer | null,
  apply: ApplyCommand,
  finalStatus: FinalStatus,
  awaitingStart: AwaitingStart,
): Promise<Disposition> {
  const raw = value?.toString('utf8') ?? '';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return {
      kind: 'dead-letter',
      code: 'malformed_json',
      reason: 'the message is not valid JSON',
      raw: raw.slice(0, MAX_RAW_CHARS),
    };
  }
  const parsed = OrderCommand.safeParse(json);
  if (!parsed.success) {
    return {
      kind: 'dead-letter',
      code: 'invalid_command',
      reason: z.prettifyError(parsed.error),
      command: json,
    };
  }
  const command = parsed.data;
  try {
    await apply(command);
    return { kind: 'applied', command };
  } catch (err) {
    const failure = updateFailureOf(err);
    if (!failure) throw err;
    const rejected = { kind: 'dead-letter' as const, command: json, parsed: command };
    if (failure.kind === 'refused') return { ...rejected, code: 'refused', reason: failure.reason };
    if (failure.kind === 'closed') {
      const status = await finalStatus(command.orderId);
      const ended = `order ${command.orderId} has already ended${status ? ` as ${status}` : ''}`;
      return { ...rejected, code: 'order_closed', reason: ended };
    }
    if (await awaitingStart(command.orderId)) throw new SagaNotStartedError(command.orderId);
    return { ...rejected, code: 'order_not_found', reason: `order ${command.orderId} does not exist` };
  }
}

/** The dead-letter record: the reason in the body and in headers, beside the original headers. */
export function deadLetterMessage(
  disposition: Extract<Disposition, { kind: 'dead-letter' }>,
  source: { topic: string; partition: number; message: KafkaMessage },
) {
  const { message } = source;
  const key = message.key?.toString('utf8');
  const command = disposition.command as { commandId?: unknown } | undefined;
  const body = DeadLetter.parse({
    code: disposition.code,
    reason: disposition.reason,
    failedAt: new Date().toISOString(),
    source: {
      topic: source.topic,
      partition: source.partition,
      offset: message.offset,
      ...(key ? { key } : {}),
    },
    ...(typeof command?.commandId === 'string' ? { commandId: command.commandId } : {}),
    ...(disposition.command !== undefined ? { command: disposition.command } : {}),
    ...(disposition.raw !== undefined ? { raw: disposition.raw } : {}),
  });
  const headers: IHeaders = {
    ...message.headers,
    [deadLetterHeaders.code]: disposition.code,
    // Header values are single-line: keep the first line of the reason there; the body has all of it.
    [deadLetterHeaders.reason]: disposition.reason.split('\n')[0] ?? '',
    [deadLetterHeaders.sourceTopic]: source.topic,
    [deadLetterHeaders.sourcePartition]: String(source.partition),
    [deadLetterHeaders.sourceOffset]: message.offset,
    'content-type': 'application/json',
  };
  return { key: message.key, value: JSON.stringify(body), headers };
}

export interface CommandConsumerDependencies {
  config: Pick<AppConfig, 'kafka'>;
  kafka: Kafka;
  /** Shared with the bridge worker's event publishing; connected and disconnected by it. */
  producer: Producer;
  temporal: Client;
  logger: Logger;
  /** Where each command that reached an order is recorded for the order timeline. */
  commandLog: OrderCommandLog;
  /** The API's start outbox: a command may reach an order whose saga is about to start. */
  startOutbox: Pick<SagaStartOutbox, 'find'>;
}

export function createCommandConsumer(deps: CommandConsumerDependencies): Service {
  const { temporal, logger } = deps;
  let consumer: Consumer | undefined;
  let running: Promise<void> | undefined;
  let stopping = false;
  // Aborted on stop, so an update waiting on a saga does not hold shutdown; the message is redelivered.
  const stopSignal = new AbortController();

  const apply: ApplyCommand = async (command) => {
    const handle = temporal.workflow.getHandle(orderWorkflowId(command.orderId));
    await temporal.withAbortSignal(stopSignal.signal, () =>
      temporal.withDeadline(Date.now() + APPLY_TIMEOUT_MS, async () => {
        if (command.type === 'order.review.decide') {
          await handle.executeUpdate(decideReviewUpdate, {
            args: [command.payload],
            updateId: command.commandId,
          });
        } else {
          await handle.executeUpdate(cancelUpdate, { args: [command.payload], updateId: command.commandId });
        }
      }),
    );
  };

  const finalStatus: FinalStatus = async (orderId) => {
    const description = await temporal.workflow.getHandle(orderWorkflowId(orderId)).describe();
    return description.typedSearchAttributes.get(OrderStatusKey);
  };

  const awaitingStart: AwaitingStart = async (orderId) =>
    (await deps.startOutbox.find(orderId)) !== undefined;

  return {
    async start() {
      const groupId = deps.config.kafka.commandsGroupId;
      const created = deps.kafka.consumer({
        groupId,
        // After stop, a join that was still in flight must not bring the consumer back.
        retry: { restartOnFailure: () => Promise.resolve(!stopping) },
      });
      consumer = created;
      await created.connect();
      // A new group reads the topic from the start: commands sent before the first deployment still apply.
      await created.subscribe({ topic: topics.orderCommands, fromBeginning: true });
      created.on(created.events.GROUP_JOIN, ({ payload }) =>
        logger.info({ groupId, partitions: payload.memberAssignment }, 'command consumer joined its group'),
      );
      // Not awaited: joining a busy group can take a rebalance; the worker is useful meanwhile.
      running = created.run({
        autoCommit: false,
        eachMessage: async (payload) => {
          const { topic, partition, message } = payload;
          const receivedAt = new Date();
          const beat = setInterval(() => void payload.heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
          try {
            const disposition = await dispose(message.value, apply, finalStatus, awaitingStart);
            if (disposition.kind === 'dead-letter') {
              await deps.producer.send({
                topic: topics.orderCommandsDeadLetter,
                acks: -1,
                messages: [deadLetterMessage(disposition, { topic, partition, message })],
              });
              logger.warn(
                { code: disposition.code, reason: disposition.reason, partition, offset: message.offset },
                'command dead-lettered',
              );
            } else {
              logger.info(
                {
                  commandId: disposition.command.commandId,
                  type: disposition.command.type,
                  orderId: disposition.command.orderId,
                },
                'command applied',
              );
            }
            const record = commandRecord(
              disposition,
              { topic, partition, offset: message.offset },
              receivedAt,
            );
            if (record) await deps.commandLog.record(record);
            await created.commitOffsets([
              { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
            ]);
          } finally {
            clearInterval(beat);
          }
        },
      });
      running.catch((err: unknown) => logger.error({ err }, 'command consumer stopped with an error'));
      logger.info({ topic: topics.orderCommands, groupId }, 'command consumer starting');
    },
    async stop() {
      stopping = true;
      stopSignal.abort();
      await consumer?.disconnect();
      await running?.catch(() => undefined);
    },
  };
}
