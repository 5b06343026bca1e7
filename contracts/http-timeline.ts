/**
 * The order timeline (`GET /v1/orders/{orderId}/timeline`): the inbound commands that touched an order,
 * its saga's workflow history, and its outbound events with their Kafka placement, merged by time.
 */
import { z } from 'zod';
import { OrderId } from './order';

/** Where a command came in. */
export const CommandChannel = z.enum(['http', 'kafka']);
export type CommandChannel = z.infer<typeof CommandChannel>;

/** What a command asked for. */
export const CommandKind = z.enum(['submit', 'cancel', 'review_decision']);
export type CommandKind = z.infer<typeof CommandKind>;

/** Applied: the saga took it (or the order was started); refused: it was answered with a reason. */
export const CommandOutcome = z.enum(['applied', 'refused']);
export type CommandOutcome = z.infer<typeof CommandOutcome>;

/** A message's place on Kafka. Offsets are strings (int64). */
export const KafkaPlacement = z.object({
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  offset: z.string().regex(/^\d+$/),
});
export type KafkaPlacement = z.infer<typeof KafkaPlacement>;

export const CommandDetails = z.object({
  commandId: z.string(),
  channel: CommandChannel,
  kind: CommandKind,
  /** Who asked: requestedBy, the reviewer, or the API key that submitted. */
  actor: z.string(),
  /** The API key of an HTTP command. */
  apiKey: z.string().optional(),
  outcome: CommandOutcome,
  reason: z.string().optional(),
  /** What the command carried (cancellation reason, decision, note). */
  request: z.record(z.string(), z.unknown()),
  /** The X-Request-Id of an HTTP command. */
  requestId: z.string().optional(),
  /** Where a Kafka command was read from. */
  kafka: KafkaPlacement.optional(),
  answeredAt: z.iso.datetime(),
});
export type CommandDetails = z.infer<typeof CommandDetails>;

export const WorkflowEntryDetails = z.object({
  /** Temporal's history event id and type (`EVENT_TYPE_…`). */
  historyEventId: z.number().int().positive(),
  eventType: z.string(),
  activity: z.string().optional(),
  /** The attempt that ended the activity (above 1 when it was retried). */
  attempt: z.number().int().positive().optional(),
  /** Update or signal name, and the update id (a command id or idempotency key when one was given). */
  message: z.string().optional(),
  updateId: z.string().optional(),
  failure: z.string().optional(),
  /** The order status the saga moved to (search attribute OrderStatus). */
  status: z.string().optional(),
});
export type WorkflowEntryDetails = z.infer<typeof WorkflowEntryDetails>;

export const EventDetails = z.object({
  eventId: z.string(),
  type: z.string(),
  sequence: z.number().int().nonnegative().optional(),
  /** Placement on the primary topic; absent until the relay has published the event. */
  kafka: KafkaPlacement.optional(),
  publishedAt: z.iso.datetime().optional(),
});
export type EventDetails = z.infer<typeof EventDetails>;

const entryBase = {
  at: z.iso.datetime(),
  title: z.string(),
  /** True for the steps and events that undo an earlier step (release the stock, void the payment). */
  compensation: z.boolean(),
};

export const TimelineEntry = z.discriminatedUnion('source', [
  z.object({ ...entryBase, source: z.literal('command'), details: CommandDetails }),
  z.object({ ...entryBase, source: z.literal('workflow'), details: WorkflowEntryDetails }),
  z.object({ ...entryBase, source: z.literal('event'), details: EventDetails }),
]);
export type TimelineEntry = z.infer<typeof TimelineEntry>;
export type TimelineSource = TimelineEntry['source'];

export const OrderTimeline = z.object({
  orderId: OrderId,
  workflowId: z.string(),
  runId: z.string(),
  links: z.object({
    self: z.string(),
    order: z.string(),
    /** The saga in the Temporal UI, when TEMPORAL_UI_URL is set. */
    temporalUi: z.string().optional(),
    /** The local mail inbox (MailDev), when MAILDEV_URL is set. */
    mailInbox: z.string().optional(),
  }),
  /** Oldest first. */
  entries: z.array(TimelineEntry),
});
export type OrderTimeline = z.infer<typeof OrderTimeline>;
