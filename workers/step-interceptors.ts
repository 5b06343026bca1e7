/**
 * What the order worker wraps around every step (activity) it runs:
 * - its attempts, on the worker's metrics: a step that retries without limit (a payment provider that
 *   stays down, a compensation that keeps failing) shows as `fc_step_attempt{step}`, the highest attempt
 *   number among its attempts running now, and `fc_step_retries_total{step}`, instead of only as a
 *   pending activity in the Temporal UI;
 * - crash points (platform/crash-points.ts), installed only when armed: the process is killed right after
 *   the step's attempt settled (its transaction committed) and before Temporal hears of it.
 */
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { CrashPoints } from '../platform/crash-points';

/**
 * The crash point of a step: its activity name; a recording step (which writes several transitions over
 * a saga) adds the type of its first event, so each transition is a point of its own.
 */
export function stepPoint(activityType: string, args: readonly unknown[]): string {
  const [first] = args;
  if (!activityType.startsWith('record') || !Array.isArray(first)) return activityType;
  const type = (first[0] as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? `${activityType}:${type}` : activityType;
}

/** The order (or deal) a step works on, from its arguments: an id, a request naming it, or its events. */
export function stepSubject(args: readonly unknown[]): string | undefined {
  const [first] = args;
  if (typeof first === 'string') return first;
  if (Array.isArray(first)) {
    const subject = (first[0] as { subject?: unknown } | undefined)?.subject;
    return typeof subject === 'string' ? subject : undefined;
  }
  if (typeof first !== 'object' || first === null) return undefined;
  const request = first as { orderId?: unknown; order?: { orderId?: unknown } };
  if (typeof request.orderId === 'string') return request.orderId;
  return typeof request.order?.orderId === 'string' ? request.order.orderId : undefined;
}

/** Counts step attempts on `registry`; returns the interceptor factory. */
export function stepAttemptMetrics(registry: Registry): ActivityInterceptorsFactory {
  const running = new Map<Context, { step: string; attempt: number }>();
  new Gauge({
    name: 'fc_step_attempt',
    help: 'Highest attempt number among the attempts of this step running now (1 = first attempts only).',
    labelNames: ['step'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const highest = new Map<string, number>();
      for (const { step, attempt } of running.values()) {
        highest.set(step, Math.max(attempt, highest.get(step) ?? 0));
      }
      for (const [step, attempt] of highest) this.set({ step }, attempt);
    },
  });
  const retries = new Counter({
    name: 'fc_step_retries_total',
    help: 'Attempts of a step beyond its first (local attempts and activity attempts alike).',
    labelNames: ['step'] as const,
    registers: [registry],
  });
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const step = ctx.info.activityType;
        if (ctx.info.attempt > 1) retries.inc({ step });
        running.set(ctx, { step, attempt: ctx.info.attempt });
        try {
          return await next(input);
        } finally {
          running.delete(ctx);
        }
      },
    },
  });
}

/** Kills the process when a step's attempt settles at an armed crash point. */
export function crashPointInterceptor(points: CrashPoints): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const reach = () =>
          points.reach(stepPoint(ctx.info.activityType, input.args), stepSubject(input.args));
        try {
          const result = await next(input);
          reach();
          return result;
        } catch (err) {
          // A refusal is an answer too (recorded with its writes): the instant after it counts as well. A
          // fault (a server down) committed nothing, so its attempt is no crash point.
          if (err instanceof ApplicationFailure && err.nonRetryable) reach();
          throw err;
        }
      },
    },
  });
}
