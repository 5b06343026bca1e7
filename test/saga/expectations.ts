import type { OrderEvent } from '../../contracts/events';
import { dedupe } from '../support/event-collector';

/** Asserts what every consumer relies on: contiguous sequence from 1, unique ids, one subject. */
export function expectWellFormedStream(events: OrderEvent[], orderId: string): void {
  const unique = dedupe(events);
  expect(unique.map((e) => e.sequence)).toEqual(unique.map((_, i) => i + 1));
  expect(new Set(unique.map((e) => e.id)).size).toBe(unique.length);
  expect(new Set(unique.map((e) => e.subject))).toEqual(new Set([orderId]));
  expect(unique.map((e) => e.id)).toEqual(unique.map((e) => `order-${orderId}:${e.sequence}`));
}

export function typesOf(events: OrderEvent[]): string[] {
  return dedupe(events).map((e) => e.type);
}
