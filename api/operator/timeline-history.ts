/**
 * Turns an order saga's Temporal history into readable timeline entries: the saga's start and end, each
 * step (regular activities as scheduled and ended, local activities from their markers), the status it
 * moved to, the updates and signals it received, and its timers. Workflow-task bookkeeping is left out.
 */
import { temporal } from '@temporalio/proto';
import { optionalTsToDate, optionalTsToMs } from '@temporalio/common/lib/time';
import type { TimelineEntry, WorkflowEntryDetails } from '../../contracts/http-timeline';
import { compensatingSteps } from '../../contracts/order-lifecycle';
import { OrderStatusKey } from '../../workflows/search-attributes';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payload = temporal.api.common.v1.IPayload;
type WorkflowEntry = Extract<TimelineEntry, { source: 'workflow' }>;

const compensating = new Set<string>(compensatingSteps);
// The core SDK records each local activity's outcome in a marker of this name, with JSON details.
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** A JSON payload as written by the default converter and by the core SDK (markers, search attributes). */
function jsonOf(payload: Payload | null | undefined): unknown {
  if (!payload?.data) return undefined;
  try {
    return JSON.parse(Buffer.from(payload.data).toString('utf8'));
  } catch {
    return undefined;
  }
}

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

const attempts = (attempt: number | undefined) =>
  attempt && attempt > 1 ? ` after ${attempt} attempts` : '';

interface LocalActivityMarker {
  activity_type?: string;
  attempt?: number;
  complete_time?: { seconds?: number; nanos?: number };
  backoff?: unknown;
}

/** Maps the history, oldest first; `result` is the saga's decoded result when it completed. */
export function workflowEntries(events: readonly HistoryEvent[], result?: unknown): WorkflowEntry[] {
  const entries: WorkflowEntry[] = [];
  const activities = new Map<string, { name: string; attempt?: number }>();
  const updates = new Map<string, string>();
  // When the worker picked up the workflow task being recorded: what the task did (accept an update, run
  // local steps) happened from then on, though its events are written when it completes.
  let taskStartedAt: Date | undefined;

  for (const event of events) {
    const at = optionalTsToDate(event.eventTime) ?? new Date(0);
    const base = { historyEventId: Number(event.eventId), eventType: eventTypeName(event) };
    const add = (title: string, details: Partial<WorkflowEntryDetails> = {}, when = at) => {
      const compensation = details.activity !== undefined && compensating.has(details.activity);
      entries.push({
        at: when.toISOString(),
        source: 'workflow',
        title: compensation ? `${title} (compensation)` : title,
        compensation,
        details: { ...base, ...details },
      });
    };

    if (event.workflowTaskStartedEventAttributes) taskStartedAt = at;
    else if (event.workflowExecutionStartedEventAttributes) add('Saga started');
    else if (event.activityTaskScheduledEventAttributes) {
      const name = event.activityTaskScheduledEventAttributes.activityType?.name ?? 'activity';
      activities.set(String(event.eventId), { name });
      add(`${name} scheduled`, { activity: name });
    } else if (event.activityTaskStartedEventAttributes) {
      // Written once, when the attempt that ends the activity starts: its attempt number says how many ran.
      const a = event.activityTaskStartedEventAttributes;
      const activity = activities.get(String(a.scheduledEventId));
      if (activity) activity.attempt = a.attempt ?? undefined;
    } else if (event.activityTaskCompletedEventAttributes) {
      const activity = activities.get(String(event.activityTaskCompletedEventAttributes.scheduledEventId));
      const name = activity?.name ?? 'activity';
      add(`${name} completed${attempts(activity?.attempt)}`, { activity: name, attempt: activity?.attempt });
    } else if (event.activityTaskFailedEventAttributes) {
      const a = event.activityTaskFailedEventAttributes;
      const activity = activities.get(String(a.scheduledEventId));
      const name = activity?.name ?? 'activity';
      const failure = a.failure?.message ?? 'failed';
      add(`${name} failed${attempts(activity?.attempt)}: ${failure}`, {
        activity: name,
        attempt: activity?.attempt,
        failure,
      });
    } else if (event.activityTaskTimedOutEventAttributes) {
      const activity = activities.get(String(event.activityTaskTimedOutEventAttributes.scheduledEventId));
      const name = activity?.name ?? 'activity';
      add(`${name} timed out${attempts(activity?.attempt)}`, { activity: name, attempt: activity?.attempt });
    } else if (event.activityTaskCanceledEventAttributes) {
      const activity = activities.get(String(event.activityTaskCanceledEventAttributes.scheduledEventId));
      add(`${activity?.name ?? 'activity'} cancelled`, { activity: activity?.name });
    } else if (event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) {
      const m = event.markerRecordedEventAttributes;
      const data = (jsonOf(m.details?.data?.payloads?.[0]) ?? {}) as LocalActivityMarker;
      const name = data.activity_type ?? 'local activity';
      const attempt = data.attempt;
      // The step's own completion time: the marker is written later, when the workflow task completes.
      const completed = data.complete_time?.seconds
        ? new Date(data.complete_time.seconds * 1000 + Math.floor((data.complete_time.nanos ?? 0) / 1e6))
        : at;
      if (m.failure) {
        const failure = m.failure.message ?? 'failed';
        const title = data.backoff ? `${name} failed, retrying after a backoff` : `${name} failed`;
        add(`${title}${attempts(attempt)}: ${failure}`, { activity: name, attempt, failure }, completed);
      } else {
        add(`${name} completed${attempts(attempt)}`, { activity: name, attempt }, completed);
      }
    } else if (event.upsertWorkflowSearchAttributesEventAttributes) {
      const fields = event.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields;
      const status = jsonOf(fields?.[OrderStatusKey.name]);
      if (typeof status === 'string') add(`Status: ${status}`, { status });
    } else if (event.workflowExecutionUpdateAcceptedEventAttributes) {
      const a = event.workflowExecutionUpdateAcceptedEventAttributes;
      const message = a.acceptedRequest?.input?.name ?? 'update';
      const updateId = a.acceptedRequest?.meta?.updateId ?? undefined;
      updates.set(String(event.eventId), message);
      // Accepted when the task began (its validator ran first), before the steps the task then ran.
      add(`Update ${message} accepted`, { message, updateId }, taskStartedAt ?? at);
    } else if (event.workflowExecutionUpdateCompletedEventAttributes) {
      const a = event.workflowExecutionUpdateCompletedEventAttributes;
      const message = updates.get(String(a.acceptedEventId)) ?? 'update';
      const failure = a.outcome?.failure?.message ?? undefined;
      const updateId = a.meta?.updateId ?? undefined;
      add(failure ? `Update ${message} failed: ${failure}` : `Update ${message} completed`, {
        message,
        updateId,
        failure,
      });
    } else if (event.workflowExecutionSignaledEventAttributes) {
      const message = event.workflowExecutionSignaledEventAttributes.signalName ?? 'signal';
      add(`Signal ${message} received`, { message });
    } else if (event.timerStartedEventAttributes) {
      const ms = optionalTsToMs(event.timerStartedEventAttributes.startToFireTimeout);
      add(ms === undefined ? 'Timer started' : `Timer started (${duration(ms)})`);
    } else if (event.timerFiredEventAttributes) add('Timer fired');
    else if (event.timerCanceledEventAttributes) add('Timer cancelled');
    else if (event.workflowExecutionCancelRequestedEventAttributes) add('Cancellation of the saga requested');
    else if (event.workflowExecutionCompletedEventAttributes) {
      const status = (result as { status?: unknown } | undefined)?.status;
      add(typeof status === 'string' ? `Saga completed: ${status}` : 'Saga completed', {
        ...(typeof status === 'string' ? { status } : {}),
      });
    } else if (event.workflowExecutionFailedEventAttributes) {
      const failure = event.workflowExecutionFailedEventAttributes.failure?.message ?? 'failed';
      add(`Saga failed: ${failure}`, { failure });
    } else if (event.workflowExecutionTimedOutEventAttributes) add('Saga timed out');
    else if (event.workflowExecutionTerminatedEventAttributes) {
      const reason = event.workflowExecutionTerminatedEventAttributes.reason ?? undefined;
      add(reason ? `Saga terminated: ${reason}` : 'Saga terminated', reason ? { failure: reason } : {});
    } else if (event.workflowExecutionCanceledEventAttributes) add('Saga cancelled');
    else if (event.workflowExecutionContinuedAsNewEventAttributes) add('Saga continued as new');
  }
  return entries.map((entry) => ({ ...entry, details: withoutUndefined(entry.details) }));
}

/** `EVENT_TYPE_ACTIVITY_TASK_COMPLETED`, as the Temporal UI and CLI name history events. */
function eventTypeName(event: HistoryEvent): string {
  const type = event.eventType ?? 0;
  return temporal.api.enums.v1.EventType[type] ?? String(type);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
