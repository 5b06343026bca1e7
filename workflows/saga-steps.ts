/**
 * How the saga calls its steps. The input check and the database steps (reserve, fraud, commit, release,
 * record) are local
 * activities: each takes milliseconds, is idempotent by order id, and as a local activity runs inside the
 * workflow task instead of costing two more Temporal dispatches (schedule, then complete), measured at
 * about 7× the throughput for a saga of this shape (README, "Why local activities"). The notification
 * and the payment steps stay regular activities: they talk to servers that may be slow or down for
 * minutes, and their attempts should show as pending activities rather than hold a workflow task open.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { FraudActivities } from '../activities/fraud';
import type { InventoryActivities } from '../activities/inventory';
import type { NotificationActivities } from '../activities/notification';
import type { OrderIntakeActivities } from '../activities/order-intake';
import type { OutboxActivities } from '../activities/outbox';
import type { PaymentActivities } from '../activities/payment';
import type { OrderSagaOptions } from '../contracts/order-messages';
import { PaymentFailureType } from '../contracts/payment-failures';
import { DEFAULT_NOTIFICATION_ATTEMPTS } from './saga-defaults';

type DatabaseSteps = OrderIntakeActivities & InventoryActivities & FraudActivities & OutboxActivities;

// Transient faults (database restart) are retried; a step still failing after this gives up and compensates.
const forwardRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 10,
};
// Compensation and event recording must eventually succeed: held stock or a lost event is worse than a wait.
const untilDoneRetry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' };

export function sagaSteps(options: OrderSagaOptions) {
  // Short timeouts: a transaction takes milliseconds, and a stuck attempt should be retried quickly.
  const proxy = options.stepActivities === 'remote' ? proxyActivities : proxyLocalActivities;
  const forward = proxy<DatabaseSteps>({ startToCloseTimeout: '10s', retry: forwardRetry });
  const untilDone = proxy<DatabaseSteps>({ startToCloseTimeout: '10s', retry: untilDoneRetry });
  const { sendOrderNotification } = proxyActivities<NotificationActivities>({
    startToCloseTimeout: '30s',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '60s',
      maximumAttempts: options.notificationMaxAttempts ?? DEFAULT_NOTIFICATION_ATTEMPTS,
    },
  });
  // The payment steps talk to the payment provider, which may be down for minutes: regular activities, so
  // their attempts show as pending activities with the last error, retried until the provider answers.
  // A refusal (declined card, expired authorization) is never retried: the provider has decided.
  const payments = proxyActivities<PaymentActivities>({
    startToCloseTimeout: '30s',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '15s',
      nonRetryableErrorTypes: [PaymentFailureType.paymentRefused, PaymentFailureType.paymentMissing],
    },
  });
  // The input check fails for good or not at all: one attempt.
  const once = proxy<DatabaseSteps>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });
  return {
    acceptOrder: once.acceptOrder,
    reserveInventory: forward.reserveInventory,
    assessFraud: forward.assessFraud,
    commitInventory: forward.commitInventory,
    releaseInventory: untilDone.releaseInventory,
    recordOrderEvents: untilDone.recordOrderEvents,
    recordGroupEvents: untilDone.recordGroupEvents,
    sendOrderNotification,
    authorizePayment: payments.authorizePayment,
    capturePayment: payments.capturePayment,
    voidPayment: payments.voidPayment,
  };
}

/** The steps the saga registers as compensations (they undo an earlier step); the order timeline marks them. */
export const compensatingSteps = [
  'releaseInventory',
  'voidPayment',
] as const satisfies readonly (keyof ReturnType<typeof sagaSteps>)[];
