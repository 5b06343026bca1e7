/** The fraud check activity: records the order, reads the customer's history, and scores it. */
import type { Pool } from 'pg';
import type { FraudAssessment } from '../contracts/fraud';
import type { PricedOrder } from '../contracts/order';
import { scoreOrder } from './fraud-rules';
import type { FraudSettings } from './fraud-rules';

export function createFraudActivities(pool: Pool, settings: FraudSettings) {
  async function assessFraud(order: PricedOrder): Promise<FraudAssessment> {
    // Recording is idempotent and history counts only orders placed before this one,
    // so a retried assessment scores the same order the same way.
    await pool.query(
      `INSERT INTO customer_orders (order_id, customer_id, total_minor, currency, placed_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO NOTHING`,
      [order.orderId, order.customerId, order.totalMinor, order.currency, order.placedAt],
    );
    const { rows } = await pool.query<{ earlier: string; in_window: string }>(
      `SELECT count(*) AS earlier,
              count(*) FILTER (WHERE placed_at >= $3::timestamptz - make_interval(mins => $4)) AS in_window
         FROM customer_orders
        WHERE customer_id = $1 AND order_id <> $2 AND placed_at <= $3`,
      [order.customerId, order.orderId, order.placedAt, settings.velocityWindowMinutes],
    );
    const history = {
      earlierOrders: Number(rows[0]?.earlier ?? 0),
      earlierOrdersInWindow: Number(rows[0]?.in_window ?? 0),
    };
    return scoreOrder(order, history, settings);
  }
  return { assessFraud };
}

export type FraudActivities = ReturnType<typeof createFraudActivities>;
