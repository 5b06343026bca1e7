/**
 * Every step answers as it first did. A local activity chain re-runs from its start when its workflow
 * task is retried (a worker killed mid-task), and a regular activity runs again when its result was lost;
 * a repeat must return what the first attempt returned, or the saga decides again on different facts (a
 * payment captured since its authorization would read as "not authorized": a decline). So a step records
 * its answer in `step_answers`, in the transaction of its own change, and a repeat returns that record,
 * never the current state of a row that later steps changed.
 *
 * A business refusal (short stock, a declined card, a reservation already released) is an answer too:
 * recorded with the writes that go with it, and raised again, the same failure, on every repeat. Faults
 * (a server down, a timeout) are not answers: nothing is recorded and the step is retried.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import { isDeepStrictEqual } from 'node:util';
import { inTransaction } from '../platform/database';
import { divergentWrite } from '../platform/divergence';

/** The steps whose answers are recorded, one answer per order and step. */
export type RecordedStep = 'reserve' | 'release' | 'commit' | 'authorize' | 'capture' | 'void';

export interface RecordedRefusal {
  type: string;
  message: string;
  details?: unknown[];
}

export type StepAnswer<T> = { returned: T } | { refused: RecordedRefusal };

/** Returns the answer's result, or raises its refusal again, as the first attempt did. */
export function replayAnswer<T>(answer: StepAnswer<T>): T {
  if ('returned' in answer) return answer.returned;
  const { type, message, details } = answer.refused;
  throw ApplicationFailure.create({ type, message, nonRetryable: true, ...(details ? { details } : {}) });
}

/** Duplicate attempts of one step of one order take turns: the second reads the first one's answer. */
export async function lockStep(client: PoolClient, orderId: string, step: RecordedStep): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`step:${step}:${orderId}`]);
}

/**
 * The first answer of the step, or undefined. With `request`, a repeat that asks something else than the
 * first attempt did (other lines, another amount) is refused as divergent instead of being answered.
 */
export async function readAnswer<T>(
  db: Pool | PoolClient,
  orderId: string,
  step: RecordedStep,
  request?: unknown,
): Promise<StepAnswer<T> | undefined> {
  const { rows } = await db.query<{ answer: StepAnswer<T>; request: unknown }>(
    'SELECT answer, request FROM step_answers WHERE order_id = $1 AND step = $2',
    [orderId, step],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (request !== undefined && row.request !== null && !isDeepStrictEqual(row.request, asJson(request))) {
    throw divergentWrite('step request', `${step} of ${orderId}`, row.request, request);
  }
  return row.answer;
}

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/**
 * Records the first answer (and what the step was asked), in the caller's transaction (which holds the
 * step's lock), and returns it as a repeat will read it back (through JSON: an absent field and an
 * undefined one are the same answer).
 */
export async function recordAnswer<T>(
  client: PoolClient,
  orderId: string,
  step: RecordedStep,
  answer: StepAnswer<T>,
  request?: unknown,
): Promise<StepAnswer<T>> {
  await client.query('INSERT INTO step_answers (order_id, step, answer, request) VALUES ($1, $2, $3, $4)', [
    orderId,
    step,
    JSON.stringify(answer),
    request === undefined ? null : JSON.stringify(request),
  ]);
  return asJson(answer) as StepAnswer<T>;
}

function refusalOf(err: unknown, refusals: readonly string[]): RecordedRefusal | undefined {
  if (!(err instanceof ApplicationFailure) || !err.nonRetryable || !err.type) return undefined;
  if (!refusals.includes(err.type)) return undefined;
  return { type: err.type, message: err.message, ...(err.details ? { details: [...err.details] } : {}) };
}

/**
 * Runs `work` once per order and step, in one transaction that holds the step's lock and records the
 * answer: a repeat returns (or raises) the first answer without running `work`. A refusal of one of the
 * `refusals` types is recorded and commits with whatever `work` wrote before raising it (the shortages, the
 * event that says so); any other failure rolls everything back and is retried.
 */
export async function answerOnce<T>(
  pool: Pool,
  orderId: string,
  step: RecordedStep,
  refusals: readonly string[],
  work: (client: PoolClient) => Promise<T>,
  /** What the step is asked, when a repeat could ask something else (see readAnswer). */
  request?: unknown,
): Promise<T> {
  const client = await pool.connect();
  let answer: StepAnswer<T>;
  try {
    answer = await inTransaction(client, async () => {
      await lockStep(client, orderId, step);
      const earlier = await readAnswer<T>(client, orderId, step, request);
      if (earlier) return earlier;
      let fresh: StepAnswer<T>;
      try {
        fresh = { returned: await work(client) };
      } catch (err) {
        const refusal = refusalOf(err, refusals);
        if (!refusal) throw err;
        fresh = { refused: refusal };
      }
      return recordAnswer(client, orderId, step, fresh, request);
    });
  } finally {
    client.release();
  }
  return replayAnswer(answer);
}
