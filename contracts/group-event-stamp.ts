/** How a group event is put together in the workflow. Free of zod (types only from ./group-events). */
import type { EventStamp } from './event-stamp';
import type { GroupEvent, GroupEventData, GroupEventType } from './group-events';

export const GROUP_EVENT_SOURCE = '/fusioncommerce/group-buy';

export function stampedGroupEvent<T extends GroupEventType>(
  stamp: EventStamp,
  type: T,
  data: GroupEventData<T>,
): GroupEvent {
  return {
    specversion: '1.0',
    id: stamp.id,
    source: GROUP_EVENT_SOURCE,
    type,
    subject: stamp.subject,
    time: stamp.time,
    datacontenttype: 'application/json',
    sequence: stamp.sequence,
    data,
  } as GroupEvent;
}
