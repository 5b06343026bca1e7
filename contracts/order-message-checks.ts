/**
 * The update validators' checks of a review decision and a cancellation request, without zod. Workflow
 * code runs them, and the workflow sandbox evaluates a workflow's modules afresh for every workflow it
 * starts: zod and the schemas cost about 11 ms of CPU per order there (measured), these checks nothing.
 * They mirror the schemas in ./order-messages (same limits, from ./order-message-limits), and a unit test
 * runs both on the same samples so they cannot drift apart.
 */
import type { CancellationRequest, ReviewDecision } from './order-messages';
import { messageLimits } from './order-message-limits';
import { linePattern, prosePattern, textRules } from './plain-text';

function isText(value: unknown, max: number, pattern: RegExp): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max && pattern.test(value);
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
  if (!isText(field(value, 'reviewer'), messageLimits.actor, linePattern.required)) {
    throw new Error(
      `reviewer: expected a text of 1 to ${messageLimits.actor} characters that ${textRules.lineRequired}`,
    );
  }
  const note = field(value, 'note');
  if (
    note !== undefined &&
    (typeof note !== 'string' || note.length > messageLimits.note || !prosePattern.optional.test(note))
  ) {
    throw new Error(
      `note: expected a text of at most ${messageLimits.note} characters that ${textRules.prose}`,
    );
  }
}

/** Throws a readable error unless `value` is a valid cancellation request. */
export function checkCancellationRequest(value: unknown): asserts value is CancellationRequest {
  if (!isText(field(value, 'reason'), messageLimits.reason, prosePattern.required)) {
    throw new Error(
      `reason: expected a text of 1 to ${messageLimits.reason} characters that ${textRules.proseRequired}`,
    );
  }
  if (!isText(field(value, 'requestedBy'), messageLimits.actor, linePattern.required)) {
    throw new Error(
      `requestedBy: expected a text of 1 to ${messageLimits.actor} characters that ${textRules.lineRequired}`,
    );
  }
}
