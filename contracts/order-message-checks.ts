/**
 * The update validators' checks of a review decision and a cancellation request, without zod. Workflow
 * code runs them, and the workflow sandbox evaluates a workflow's modules afresh for every workflow it
 * starts: zod and the schemas cost about 11 ms of CPU per order there (measured), these checks nothing.
 * They mirror the schemas in ./order-messages (same limits, from ./order-message-limits), and a unit test
 * runs both on the same samples so they cannot drift apart.
 */
import type { CancellationRequest, ReviewDecision } from './order-messages';
import { messageLimits } from './order-message-limits';

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Throws a readable error unless `value` is a valid review decision. */
export function checkReviewDecision(value: unknown): asserts value is ReviewDecision {
  const decision = field(value, 'decision');
  if (decision !== 'approve' && decision !== 'reject') {
    throw new Error(`decision: expected "approve" or "reject", got ${JSON.stringify(decision)}`);
  }
  if (!isText(field(value, 'reviewer'), messageLimits.actor)) {
    throw new Error(`reviewer: expected a text of 1 to ${messageLimits.actor} characters`);
  }
  const note = field(value, 'note');
  if (note !== undefined && (typeof note !== 'string' || note.length > messageLimits.note)) {
    throw new Error(`note: expected a text of at most ${messageLimits.note} characters`);
  }
}

/** Throws a readable error unless `value` is a valid cancellation request. */
export function checkCancellationRequest(value: unknown): asserts value is CancellationRequest {
  if (!isText(field(value, 'reason'), messageLimits.reason)) {
    throw new Error(`reason: expected a text of 1 to ${messageLimits.reason} characters`);
  }
  if (!isText(field(value, 'requestedBy'), messageLimits.actor)) {
    throw new Error(`requestedBy: expected a text of 1 to ${messageLimits.actor} characters`);
  }
}
