/**
 * An order's timeline: the commands that touched it, its saga's Temporal history and its outbound events,
 * merged by time. One history read (more pages only for a very long history) and two indexed queries.
 */
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import type { Pool } from 'pg';
import type { OrderTimeline, TimelineEntry, TimelineSource } from '../../contracts/http-timeline';
import type { AppConfig } from '../../platform/config';
import { orderWorkflowId } from '../../workflows/messages';
import { OrderNotFoundError } from '../http/errors';
import { sagaHistoryPage } from '../orders/saga-history';
import { temporalUiRunUrl } from './temporal-ui';
import { workflowEntries } from './timeline-history';
import { commandEntries, eventEntries } from './timeline-records';

// At equal times a command comes before what it caused, and a step before the event it wrote.
const sourceRank: Record<TimelineSource, number> = { command: 0, workflow: 1, event: 2 };

export function createOrderTimelineReader(
  client: Client,
  pool: Pool,
  config: Pick<AppConfig, 'temporal' | 'mail' | 'api'>,
) {
  const { namespace } = config.temporal;

  /** Every event of the latest run of the order's saga; OrderNotFoundError when there is none. */
  async function history(orderId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await sagaHistoryPage(client, namespace, orderId, nextPageToken ? { nextPageToken } : {});
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    if (!events[0]?.workflowExecutionStartedEventAttributes) throw new OrderNotFoundError(orderId);
    return events;
  }

  /** The saga's result when it completed (for the closing entry's status); undefined otherwise. */
  async function result(events: temporal.api.history.v1.IHistoryEvent[]): Promise<unknown> {
    const completed = events.at(-1)?.workflowExecutionCompletedEventAttributes;
    if (!completed?.result?.payloads) return undefined;
    const [value] = await decodeArrayFromPayloads(
      client.options.loadedDataConverter,
      completed.result.payloads,
    );
    return value;
  }

  function links(orderId: string, workflowId: string, runId: string): OrderTimeline['links'] {
    const order = `/v1/orders/${orderId}`;
    const temporalUi = temporalUiRunUrl(config.temporal, workflowId, runId);
    return {
      self: `${order}/timeline`,
      order,
      ...(temporalUi ? { temporalUi } : {}),
      ...(config.mail.inboxUrl ? { mailInbox: config.mail.inboxUrl } : {}),
    };
  }

  return async function readTimeline(orderId: string): Promise<OrderTimeline> {
    const workflowId = orderWorkflowId(orderId);
    const [events, commands, outbound] = await client.withDeadline(
      Date.now() + config.api.temporalTimeoutMs,
      () => Promise.all([history(orderId), commandEntries(pool, orderId), eventEntries(pool, orderId)]),
    );
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    const runId = started?.originalExecutionRunId ?? started?.firstExecutionRunId ?? '';
    const entries: TimelineEntry[] = [
      ...commands,
      ...workflowEntries(events, await result(events)),
      ...outbound,
    ];
    // A stable sort: within a source, entries keep their own order (history order, event sequence).
    entries.sort((a, b) => a.at.localeCompare(b.at) || sourceRank[a.source] - sourceRank[b.source]);
    return { orderId, workflowId, runId, links: links(orderId, workflowId, runId), entries };
  };
}

export type OrderTimelineReader = ReturnType<typeof createOrderTimelineReader>;
