/** The fraud check activity: records the order, reads the customer's history, scores it, records the score. */
import type { Pool } from 'pg';
import { stampedOrderEvent } from '../contracts/events';
import type { EventStamp } from '../contracts/events';
import { recordedAssessment } from '../contracts/fraud';
import type { FraudAssessment } from '../contracts/fraud';
import type { PricedOrder } from '../contracts/order';
import { inTransaction } from '../platform/database';
import { writeToOutbox } from '../platform/outbox';
import { scoreOrder } from './fraud-rules';
import type { FraudSettings } from './fraud-rules';

export function createFraudActivities(pool: Pool, settings: FraudSettings) {
  /**
   * Scores the order and records the assessment with its fraud.assessed event (when given a stamp) in one
   * transaction. A retry returns the recorded assessment, so the event and the saga never disagree.
   */
  async function assessFraud(order: PricedOrder, assessedEvent?: EventStamp): Promise<FraudAssessment> {
    const client = await pool.connect();
    try {
      return await inTransaction(client, async () => {
        // History counts only orders placed before this one, so a retry scores the same order the same way.
        await client.query(
          `INSERT INTO customer_orders (order_id, customer_id, total_minor, currency, placed_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO NOTHING`,
          [order.orderId, order.customerId, order.totalMinor, order.currency, order.placedAt],
        );
        const { rows } = await client.query<{ earlier: string; in_window: string }>(
          `SELECT count(*) AS earlier,
                  count(*) FILTER (WHERE placed_at >= $3::timestamptz - make_interval(mins => $4)) AS in_window
             FROM customer_orders
            WHERE customer_id = $1 AND order_id <> $2 AND placed_at <= $3`,
          [order.customerId, order.orderId, order.placedAt, settings.velocityWindowMinutes],
        );
        const scored = scoreOrder(
          order,
          {
            earlierOrders: Number(rows[0]?.earlier ?? 0),
            earlierOrdersInWindow: Number(rows[0]?.in_window ?? 0),
          },
          settings,
        );
        // The first recorded assessment wins: a retry (or a duplicate attempt) returns it unchanged.
        // Its time too: a review deadline counted from it is the same on every repeat.
        const recorded = await client.query<{ assessment: FraudAssessment; assessed_at: Date }>(
          `WITH inserted AS (
             INSERT INTO fraud_assessments (order_id, decision, score, assessment) VALUES ($1, $2, $3, $4)
             ON CONFLICT (order_id) DO NOTHING RETURNING assessment, assessed_at)
           SELECT assessment, assessed_at, true AS fresh FROM inserted
           UNION ALL SELECT assessment, assessed_at, false FROM fraud_assessments WHERE order_id = $1`,
          [order.orderId, scored.decision, scored.score, JSON.stringify(scored)],
        );
        const row = recorded.rows[0];
        const assessment = row ? recordedAssessment(row.assessment, row.assessed_at) : scored;
        if (assessedEvent) {
          const { decision, score, reasons } = assessment;
          await writeToOutbox(client, [
            stampedOrderEvent(assessedEvent, 'fraud.assessed', {
              orderId: order.orderId,
              decision,
              score,
              reasons,
            }),
          ]);
        }
        return assessment;
      });
    } finally {
      client.release();
    }
  }
  return { assessFraud };
}

export type FraudActivities = ReturnType<typeof createFraudActivities>;
