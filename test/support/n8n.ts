/**
 * What the n8n end-to-end tests need around the real n8n of the local stack: bringing it up with the
 * tests' settings, a reader of the workflows' HTTP calls (the stack's webhook inbox), a reader of the
 * commands topic, a producer that writes events where the outbox relay does, the shipped workflow files,
 * and n8n's execution list (public API) to wait on and to explain failures with.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { z } from 'zod';
import { OrderCommand } from '../../contracts/commands';
import type { OrderEvent } from '../../contracts/events';
import { topics, topicsForOrderEvent } from '../../contracts/topics';
import { cloudEventMessage } from '../../platform/cloud-event-message';
import { TopicCollector } from './topic-collector';

const root = path.resolve(__dirname, '../..');

/** The workflows in n8n/, by the fixed ids their JSON files carry. */
export const n8nWorkflows = {
  fraudReviewDesk: 'FcFraudReview001',
  orderNotifications: 'FcOrderNotify001',
  stockAlert: 'FcStockAlert0001',
  groupDealShare: 'FcGroupDeals0001',
} as const;

/**
 * Writes an order event as the outbox relay does: the very same message (key = order id, same id and
 * headers) to every topic of `topicsForOrderEvent`, i.e. the full stream and the narrow topic, if any,
 * that n8n's triggers read. Sending an event the saga already wrote is an at-least-once redelivery.
 */
export async function publishLikeRelay(producer: Producer, event: OrderEvent): Promise<void> {
  const message = cloudEventMessage(event);
  await producer.sendBatch({
    acks: -1,
    topicMessages: topicsForOrderEvent(event.type).map((topic) => ({ topic, messages: [message] })),
  });
}

const workflowsDir = path.join(root, 'n8n');

/** The parts of an n8n workflow file the tests read: its Kafka triggers and what its filters accept. */
const WorkflowFile = z.object({
  id: z.string(),
  nodes: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      parameters: z.record(z.string(), z.unknown()),
    }),
  ),
  connections: z.record(
    z.string(),
    z.object({ main: z.array(z.array(z.object({ node: z.string() })).nullable()) }),
  ),
});
const KafkaTriggerParameters = z.object({
  topic: z.string(),
  options: z.object({ partitionsConsumedConcurrently: z.number().optional() }).optional(),
});
const FilterParameters = z.object({
  conditions: z.object({
    combinator: z.enum(['and', 'or']),
    conditions: z.array(
      z.object({
        leftValue: z.unknown(),
        rightValue: z.unknown(),
        operator: z.object({ type: z.string(), operation: z.string() }),
      }),
    ),
  }),
});

export interface ShippedWorkflow {
  file: string;
  id: string;
  /** The topic of each Kafka Trigger node. */
  triggerTopics: string[];
  /** Partitions each Kafka Trigger node hands to executions at once (n8n's default: 1). */
  triggerConcurrency: number[];
  /** Whether a node remembers values across executions (Remove Duplicates, "seen in previous executions"). */
  remembersAcrossExecutions: boolean;
  /** Event types the filter right after the trigger lets through (`$json.type` equals …). */
  acceptedEventTypes: string[];
}

/** Reads every workflow file in n8n/ (what the stack imports), so a new workflow is checked too. */
export function shippedWorkflows(): ShippedWorkflow[] {
  return readdirSync(workflowsDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const workflow = WorkflowFile.parse(JSON.parse(readFileSync(path.join(workflowsDir, file), 'utf8')));
      const triggers = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.kafkaTrigger');
      const nextNodes = triggers.flatMap((t) =>
        (workflow.connections[t.name]?.main ?? []).flatMap((outputs) => outputs ?? []).map((c) => c.node),
      );
      const filters = workflow.nodes.filter(
        (n) => nextNodes.includes(n.name) && n.type === 'n8n-nodes-base.filter',
      );
      return {
        file,
        id: workflow.id,
        triggerTopics: triggers.map((t) => KafkaTriggerParameters.parse(t.parameters).topic),
        triggerConcurrency: triggers.map(
          (t) => KafkaTriggerParameters.parse(t.parameters).options?.partitionsConsumedConcurrently || 1,
        ),
        remembersAcrossExecutions: workflow.nodes.some(
          (n) =>
            n.type === 'n8n-nodes-base.removeDuplicates' &&
            n.parameters.operation === 'removeItemsSeenInPreviousExecutions',
        ),
        acceptedEventTypes: filters.flatMap((f) => acceptedEventTypes(FilterParameters.parse(f.parameters))),
      };
    });
}

/** The types a filter's `$json.type equals …` conditions accept; under `and`, two of them accept none. */
function acceptedEventTypes({ conditions }: z.infer<typeof FilterParameters>): string[] {
  const types = conditions.conditions
    .filter(
      (c) =>
        c.leftValue === '={{ $json.type }}' &&
        c.operator.type === 'string' &&
        c.operator.operation === 'equals' &&
        typeof c.rightValue === 'string',
    )
    .map((c) => c.rightValue as string);
  return conditions.combinator === 'and' && types.length > 1 ? [] : types;
}

/**
 * Runs `stack/up inbox n8n` (n8n required: it fails when n8n cannot be installed or started; the webhook
 * inbox receives the workflows' calls) with the given workflow settings on top of this process's
 * environment. A running n8n whose settings differ is restarted by the stack so they take effect. Then
 * loads `.stack/stack.env` into `process.env`.
 */
export async function upN8n(settings: Record<string, string> = {}): Promise<void> {
  const env = { ...process.env, ...settings };
  await new Promise<void>((resolve, reject) => {
    execFile(
      'bash',
      [path.join(root, 'stack/up'), 'inbox', 'n8n'],
      { env, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolve();
        const tail = stderr.trim().split('\n').slice(-30).join('\n');
        reject(
          new Error(
            `n8n is required by these tests and 'bash stack/up inbox n8n' failed (exit ${String(error.code)}):\n${tail}`,
          ),
        );
      },
    );
  });
  for (const line of readFileSync(path.join(root, '.stack/stack.env'), 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) process.env[match[1]] = match[2];
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: .stack/stack.env does not carry it (is the stack up? bash stack/up inbox n8n)`,
    );
  return value;
}

export interface HookCall {
  /** The inbox's id of the call (rising). */
  id: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  receivedAt: number;
}

/** What the webhook inbox (stack/inbox/inbox.mjs) answers to GET /calls. */
const InboxPage = z.object({
  firstId: z.number(),
  lastId: z.number(),
  calls: z.array(
    z.object({
      id: z.number(),
      time: z.string(),
      path: z.string(),
      headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
      body: z.unknown(),
    }),
  ),
});

/**
 * The workflows' HTTP calls as the stack's webhook inbox recorded them (the default ORDER_WEBHOOK_URL and
 * STOCK_ALERT_URL point there): only the calls made after start(), read over its GET /calls.
 */
export class HookReceiver {
  private readonly received: HookCall[] = [];
  /** The id of the last call read; start() sets it to the inbox's newest. */
  private after = 0;
  private reading: Promise<void> | undefined;

  constructor(private readonly url = requiredEnv('INBOX_URL')) {}

  async start(): Promise<void> {
    this.after = (await this.page(Number.MAX_SAFE_INTEGER, 0)).lastId;
  }

  /** Nothing to release: the inbox belongs to the stack. */
  async stop(): Promise<void> {
    await this.reading;
  }

  /** The calls since start() that match `filter`, read afresh from the inbox. */
  async calls(filter: (call: HookCall) => boolean = () => true): Promise<HookCall[]> {
    // One read at a time, so concurrent callers never record a call twice.
    this.reading ??= this.readNew().finally(() => (this.reading = undefined));
    await this.reading;
    return this.received.filter(filter);
  }

  /** Waits for the first call matching `filter`; `explain` adds context (n8n's executions) to a timeout. */
  async waitFor(
    filter: (call: HookCall) => boolean,
    what: string,
    timeoutMs: number,
    explain: () => Promise<string>,
  ): Promise<HookCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [hit] = await this.calls(filter);
      if (hit) return hit;
      if (Date.now() >= deadline) {
        const seen = this.received.map((c) => `${c.path} ${JSON.stringify(c.body)}`).slice(-5);
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; the inbox ${this.url} got ${this.received.length} call(s) since the test started` +
            `${seen.length ? `, the last:\n  ${seen.join('\n  ')}` : ''}\n${await explain()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, deadline - Date.now())));
    }
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const page = await this.page(this.after, 1000);
      if (page.lastId < this.after) {
        throw new Error(
          `the webhook inbox restarted since this test started (its newest call is ${page.lastId})`,
        );
      }
      if (page.firstId > this.after + 1 && page.lastId > this.after) {
        throw new Error(
          `the webhook inbox dropped calls ${this.after + 1}–${page.firstId - 1} before this test read them (it keeps only the newest)`,
        );
      }
      for (const c of page.calls) {
        this.received.push({
          id: c.id,
          path: c.path,
          headers: c.headers,
          body: c.body,
          receivedAt: Date.parse(c.time),
        });
        this.after = c.id;
      }
      if (page.calls.length === 0 || this.after >= page.lastId) return;
    }
  }

  private async page(after: number, limit: number): Promise<z.infer<typeof InboxPage>> {
    const res = await fetch(`${this.url}/calls?after=${after}&limit=${limit}`).catch((err: unknown) => {
      throw new Error(
        `the webhook inbox does not answer at ${this.url} (is the stack up? bash stack/up): ${String(err)}`,
      );
    });
    if (!res.ok)
      throw new Error(`the webhook inbox answered ${res.status} to GET /calls: ${await res.text()}`);
    return InboxPage.parse(await res.json());
  }
}

export interface ReceivedCommand {
  key: string | undefined;
  value: string;
  /** The broker's timestamp of the message (ms). */
  timestamp: number;
}

/**
 * Reads the commands topic from where it stood at start(), so a test sees only what came after. The
 * topic must exist (the bridge worker creates it when it starts).
 */
export class CommandReader {
  private readonly topic: TopicCollector;

  constructor(kafka: Kafka) {
    this.topic = new TopicCollector(kafka, topics.orderCommands);
  }

  start(): Promise<void> {
    return this.topic.start();
  }

  stop(): Promise<void> {
    return this.topic.stop();
  }

  /** Commands whose message key is the order id. */
  forOrder(orderId: string): ReceivedCommand[] {
    return this.topic
      .all()
      .filter((m) => m.key === orderId)
      .map(({ key, value, timestamp }) => ({ key, value, timestamp }));
  }

  async waitFor(
    orderId: string,
    count: number,
    timeoutMs: number,
    explain: () => Promise<string>,
  ): Promise<OrderCommand[]> {
    try {
      await this.topic.waitUntil(
        () => this.forOrder(orderId).length >= count,
        () =>
          `${count} command(s) for order ${orderId} on ${topics.orderCommands}; got ${this.forOrder(orderId).length}`,
        timeoutMs,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await explain()}`);
    }
    return this.forOrder(orderId).map((c) => OrderCommand.parse(JSON.parse(c.value)));
  }
}

interface RunData {
  data?: { main?: ({ json: unknown }[] | null)[] };
  error?: { message?: string; description?: string };
}
export interface N8nExecution {
  id: string;
  workflowId: string;
  status: string;
  startedAt: string;
  stoppedAt: string | null;
  data?: {
    resultData?: {
      lastNodeExecuted?: string;
      error?: { message?: string; description?: string };
      runData?: Record<string, RunData[]>;
    };
  };
}

/** n8n's execution list through its public API (key created by the stack, in .stack/stack.env). */
export class N8nExecutions {
  private readonly url = requiredEnv('N8N_URL');
  private readonly apiKey = requiredEnv('N8N_API_KEY');

  async list(workflowId: string, limit = 100): Promise<N8nExecution[]> {
    const res = await fetch(
      `${this.url}/api/v1/executions?workflowId=${workflowId}&includeData=true&limit=${limit}`,
      { headers: { 'X-N8N-API-KEY': this.apiKey } },
    );
    if (!res.ok) throw new Error(`n8n answered ${res.status} to GET /api/v1/executions: ${await res.text()}`);
    return ((await res.json()) as { data: N8nExecution[] }).data;
  }

  /** Finished executions whose trigger received the event with this id. */
  async ofEvent(workflowId: string, eventId: string): Promise<N8nExecution[]> {
    return (await this.list(workflowId, 250)).filter(
      (e) => e.stoppedAt !== null && triggerEventId(e) === eventId,
    );
  }

  /** Waits until `count` executions of the workflow have handled the event (n8n records each one). */
  async waitForEvent(
    workflowId: string,
    event: { id: string; subject: string },
    count: number,
    timeoutMs: number,
  ): Promise<N8nExecution[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.ofEvent(workflowId, event.id);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for n8n workflow ${workflowId} to handle event ${event.id} ${count} time(s); it did ${found.length} time(s)\n${await this.explain(workflowId, event.subject)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /**
   * A readable account of what n8n did about an order: every execution of the workflow whose data names
   * the order, and the latest failed executions, each with its status, last node, error and editor link.
   */
  async explain(workflowId: string, orderId: string): Promise<string> {
    let executions: N8nExecution[];
    try {
      executions = await this.list(workflowId, 250);
    } catch (err) {
      return `(could not read n8n's executions: ${String(err)})`;
    }
    const aboutOrder = executions.filter((e) => JSON.stringify(e.data ?? {}).includes(orderId));
    const failed = executions.filter((e) => e.status !== 'success' && !aboutOrder.includes(e)).slice(0, 3);
    const lines = [
      `n8n executions of workflow ${workflowId} about order ${orderId}: ${aboutOrder.length || 'none'}`,
      ...aboutOrder.map((e) => `  ${this.describe(e)}`),
      ...(failed.length
        ? ['latest other failed executions:', ...failed.map((e) => `  ${this.describe(e)}`)]
        : []),
    ];
    return lines.join('\n');
  }

  describe(e: N8nExecution): string {
    const result = e.data?.resultData;
    const nodeError = Object.entries(result?.runData ?? {})
      .map(([node, runs]) => ({ node, error: runs.find((r) => r.error)?.error }))
      .find((n) => n.error);
    const error = result?.error ?? nodeError?.error;
    return [
      `execution ${e.id}: ${e.status}`,
      `started ${e.startedAt}`,
      `event ${triggerEventId(e) ?? '?'}`,
      `last node "${result?.lastNodeExecuted ?? '?'}"`,
      ...(error
        ? [`error: ${error.message ?? ''}${error.description ? ` (${error.description})` : ''}`]
        : []),
      `${this.url}/workflow/${e.workflowId}/executions/${e.id}`,
    ].join(' · ');
  }
}

/** The id of the CloudEvent the execution's Kafka trigger emitted. */
export function triggerEventId(e: N8nExecution): string | undefined {
  const trigger = e.data?.resultData?.runData?.['Order events']?.[0]?.data?.main?.[0]?.[0]?.json as
    { id?: unknown } | undefined;
  return typeof trigger?.id === 'string' ? trigger.id : undefined;
}

/** Nodes the execution ran, in the order n8n recorded them. */
export function executedNodes(e: N8nExecution): string[] {
  return Object.keys(e.data?.resultData?.runData ?? {});
}
