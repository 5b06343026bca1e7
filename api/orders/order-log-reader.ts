/**
 * Reads what an order wrote down — its saga's start input from Temporal's history, its events from the
 * outbox, its fraud assessment — and rebuilds its state from them (api/orders/order-log-view.ts). Neither read
 * needs an order worker, so it answers while the workers are down or busy with a backlog.
 */
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { Pool } from 'pg';
import { OrderEvent } from '../../contracts/events';
import { FraudAssessment, recordedAssessment } from '../../contracts/fraud';
import { OrderSagaInput } from '../../contracts/order-messages';
import type { OrderState } from '../../contracts/order-state';
import { OrderNotFoundError } from '../http/errors';
import { orderStateFromLog } from './order-log-view';
import { sagaHistoryPage } from './saga-history';

export function createOrderLogReader(client: Client, pool: Pool, namespace: string) {
  /** The order as the saga was started with it, and when: the first event of the latest run's history. */
  async function sagaStart(orderId: string) {
    const response = await sagaHistoryPage(client, namespace, orderId, { maximumPageSize: 1 });
    const first = response.history?.events?.[0];
    const started = first?.workflowExecutionStartedEventAttributes;
    if (!first || !started) throw new OrderNotFoundError(orderId);
    const [input] = await decodeArrayFromPayloads(
      client.options.loadedDataConverter,
      started.input?.payloads,
    );
    return {
      order: OrderSagaInput.parse(input).order,
      startedAt: (optionalTsToDate(first.eventTime) ?? new Date()).toISOString(),
    };
  }

  async function events(orderId: string) {
    // The saga's numbered events only: alerts about the order (order.stalled) share its key, not its stream.
    const { rows } = await pool.query<{ event: unknown }>(
      `SELECT event FROM outbox_events
        WHERE message_key = $1 AND event->>'sequence' IS NOT NULL ORDER BY (event->>'sequence')::int`,
      [orderId],
    );
    return rows.map((row) => OrderEvent.parse(row.event) as OrderEvent);
  }

  async function fraud(orderId: string) {
    const { rows } = await pool.query<{ assessment: FraudAssessment; assessed_at: Date }>(
      'SELECT assessment, assessed_at FROM fraud_assessments WHERE order_id = $1',
      [orderId],
    );
    const row = rows[0];
    return row ? FraudAssessment.parse(recordedAssessment(row.assessment, row.assessed_at)) : undefined;
  }

  return async function readOrderLog(orderId: string): Promise<OrderState> {
    const [start, logged, assessment] = await Promise.all([
      sagaStart(orderId),
      events(orderId),
      fraud(orderId),
    ]);
    return orderStateFromLog({ ...start, events: logged, ...(assessment ? { fraud: assessment } : {}) });
  };
}
