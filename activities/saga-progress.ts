/**
 * What the saga asks of the step records themselves: whether an earlier run of this order already passed
 * its point of no return (its capture or its commit answered). A workflow task retried after a crash
 * cannot tell from its history: the first run's steps left only their records, and a cancellation that
 * arrived while the worker was down reaches the retried task before the saga has re-reached that point.
 */
import type { Pool } from 'pg';

export function createSagaProgressActivities(pool: Pool) {
  async function confirmationRecorded(orderId: string): Promise<boolean> {
    const { rowCount } = await pool.query(
      `SELECT 1 FROM step_answers
        WHERE order_id = $1 AND step IN ('capture', 'commit') AND answer->'returned' IS NOT NULL`,
      [orderId],
    );
    return (rowCount ?? 0) > 0;
  }
  return { confirmationRecorded };
}

export type SagaProgressActivities = ReturnType<typeof createSagaProgressActivities>;
