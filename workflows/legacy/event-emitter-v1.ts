/** FROZEN copy for sagas started before the outbox (see order-saga-v1.ts).
 * Mirrors saga transitions to Kafka through the bridge worker. Each publish is awaited (so one order's
 * events keep their order), never cancelled (so a cancellation cannot lose an event), and retried
 * without limit (so a Kafka outage delays events instead of dropping them).
 */
import { CancellationScope, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { EventPublishingActivities } from '../../activities/event-publishing';
import { EVENT_SOURCE, orderEventId } from '../../contracts/event-stamp';
import type { OrderEvent, OrderEventData, OrderEventType } from '../../contracts/events';

export type Emit = <T extends OrderEventType>(type: T, data: OrderEventData<T>) => Promise<void>;

export function createEventEmitter(
  orderId: string,
  taskQueue: string,
  onPublished: (sequence: number) => void,
): Emit {
  const { publishOrderEvent } = proxyActivities<EventPublishingActivities>({
    taskQueue,
    startToCloseTimeout: '10s',
    retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s' },
  });
  const { workflowId } = workflowInfo();
  let sequence = 0;
  return async (type, data) => {
    sequence += 1;
    const event = {
      specversion: '1.0',
      id: orderEventId(workflowId, sequence),
      source: EVENT_SOURCE,
      type,
      subject: orderId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      sequence,
      data,
    } as OrderEvent;
    await CancellationScope.nonCancellable(() =>
      publishOrderEvent.executeWithOptions({ summary: `publish ${type} #${sequence}` }, [event]),
    );
    onPublished(sequence);
  };
}
