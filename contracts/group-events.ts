/**
 * Events of a group deal: CloudEvents like the order events, keyed and numbered per deal (`id` =
 * `group-<dealId>:<sequence>`, `subject` = deal id), on their own topic of the same family. Each
 * participant's order also writes the usual order events (order.created … order.confirmed) on the order
 * topic, so order consumers need to know nothing about deals.
 */
import { z } from 'zod';
import { envelopeFields } from './events';
import { CurrencyCode, CustomerId, MinorUnits, Sku } from './order';

const dealRef = { dealId: z.string() };
const size = { participants: z.number().int().nonnegative(), needed: z.number().int().nonnegative() };

export const groupEventData = {
  'group.opened': z.object({
    ...dealRef,
    sku: Sku,
    groupPriceMinor: MinorUnits,
    currency: CurrencyCode,
    targetSize: z.number().int().positive(),
    maxSize: z.number().int().positive(),
    deadline: z.iso.datetime(),
    leaderCustomerId: CustomerId,
  }),
  'group.joined': z.object({ ...dealRef, customerId: CustomerId, orderId: z.string(), ...size }),
  'group.left': z.object({ ...dealRef, customerId: CustomerId, orderId: z.string(), ...size }),
  'group.formed': z.object({ ...dealRef, orderIds: z.array(z.string()), participants: z.number().int() }),
  'group.failed': z.object({
    ...dealRef,
    reason: z.string(),
    /** True when an operator cancelled the deal; false when the deadline passed. */
    cancelled: z.boolean(),
    ...size,
  }),
} as const;

export type GroupEventType = keyof typeof groupEventData;
export const groupEventTypes = Object.keys(groupEventData) as GroupEventType[];
export type GroupEventData<T extends GroupEventType> = z.infer<(typeof groupEventData)[T]>;

export function groupEnvelopeFor<T extends GroupEventType>(type: T) {
  return z.object({ ...envelopeFields, type: z.literal(type), data: groupEventData[type] });
}

export type GroupEvent = {
  [T in GroupEventType]: Omit<z.infer<ReturnType<typeof groupEnvelopeFor<T>>>, 'type' | 'data'> & {
    type: T;
    data: GroupEventData<T>;
  };
}[GroupEventType];
