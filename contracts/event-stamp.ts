/**
 * How an order event is put together, in the workflow and in the steps alike. Free of zod (types only
 * from ./events): workflow code imports it, and the workflow sandbox evaluates a workflow's modules
 * afresh for every workflow it starts.
 */
import type { OrderEvent, OrderEventData, OrderEventType } from './events';

export const EVENT_SOURCE = '/fusioncommerce/order-saga';

/** Deterministic id: the same workflow and sequence always give the same id. */
export function orderEventId(workflowId: string, sequence: number): string {
  return `${workflowId}:${sequence}`;
}

/**
 * What the workflow decides about an event before a step writes it: its id, sequence and time. A step
 * whose outcome picks the event's data (the reservation, the fraud score) receives a stamp and builds the
 * event with `stampedOrderEvent`; the step's recorded result tells a replay which event was written.
 */
export interface EventStamp {
  id: string;
  subject: string;
  sequence: number;
  time: string;
}

export function stampedOrderEvent<T extends OrderEventType>(
  stamp: EventStamp,
  type: T,
  data: OrderEventData<T>,
): OrderEvent {
  return {
    specversion: '1.0',
    id: stamp.id,
    source: EVENT_SOURCE,
    type,
    subject: stamp.subject,
    time: stamp.time,
    datacontenttype: 'application/json',
    sequence: stamp.sequence,
    data,
  } as OrderEvent;
}
