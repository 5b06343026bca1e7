/**
 * The log of inbound commands that touched an order (table `order_commands`), written by the HTTP order
 * routes and the Kafka command consumer and read by the order timeline. Writing it is best effort: the
 * command has already been applied or refused, so a failing or slow write is logged and never fails it.
 */
import type { Pool } from 'pg';
import type { CommandChannel, CommandKind, CommandOutcome, KafkaPlacement } from '../contracts/http-timeline';
import type { Logger } from './logger';

/** A command waits at most this long for its log row; the insert goes on in the background after that. */
const RECORD_WAIT_MS = 250;

export interface CommandRecord {
  /** Names the command across retries and redeliveries: the second write of the same id is ignored. */
  id: string;
  orderId: string;
  channel: CommandChannel;
  kind: CommandKind;
  actor: string;
  apiKey?: string;
  outcome: CommandOutcome;
  reason?: string;
  request: Record<string, unknown>;
  requestId?: string;
  kafka?: KafkaPlacement;
  receivedAt: Date;
}

export interface OrderCommandLog {
  /** Records the command once; resolves within a moment and never rejects. */
  record(command: CommandRecord): Promise<void>;
}

export function createOrderCommandLog(pool: Pool, logger: Logger): OrderCommandLog {
  async function insert(c: CommandRecord): Promise<void> {
    await pool.query(
      `INSERT INTO order_commands (id, order_id, channel, kind, actor, api_key, outcome, reason, request,
                                   request_id, kafka_topic, kafka_partition, kafka_offset, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (id) DO NOTHING`,
      [
        c.id,
        c.orderId,
        c.channel,
        c.kind,
        c.actor,
        c.apiKey ?? null,
        c.outcome,
        c.reason ?? null,
        JSON.stringify(c.request),
        c.requestId ?? null,
        c.kafka?.topic ?? null,
        c.kafka?.partition ?? null,
        c.kafka?.offset ?? null,
        c.receivedAt,
      ],
    );
  }

  return {
    async record(command) {
      const written = insert(command).catch((err: unknown) => {
        logger.warn(
          { err, commandId: command.id, orderId: command.orderId },
          'could not record the command in the order command log; the command itself is unaffected',
        );
      });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn(
            { commandId: command.id, orderId: command.orderId, waitedMs: RECORD_WAIT_MS },
            'the order command log is slow; recording the command in the background',
          );
          resolve();
        }, RECORD_WAIT_MS);
      });
      await Promise.race([written, late]);
      clearTimeout(timer);
    },
  };
}
