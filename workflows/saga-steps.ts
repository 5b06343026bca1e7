/**
 * How the saga calls its steps. The input check and the database steps (reserve, fraud, commit, release,
 * record) are local activities: each takes milliseconds, is idempotent by order id, and as a local
 * activity runs inside the workflow task instead of costing two more Temporal dispatches (schedule, then
 * complete), measured at about 7× the throughput for a saga of this shape (docs/saga.md, "Why local
 * activities"). The payment and notification steps talk to servers that may be slow or down for minutes:
 * `outsideSteps` runs them local first, as regular activities (pending, with their attempts, in the UI)
 * once a few quick attempts have failed.
 */
import { compensatingSteps } from '../contracts/order-lifecycle';
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { FraudActivities } from '../activities/fraud';
import type { InventoryActivities } from '../activities/inventory';
import type { NotificationActivities } from '../activities/notification';
import type { OrderIntakeActivities } from '../activities/order-intake';
import type { OutboxActivities } from '../activities/outbox';
import type { PaymentActivities } from '../activities/payment';
import type { SagaProgressActivities } from '../activities/saga-progress';
import type { OrderSagaOptions } from '../contracts/order-messages';
import { PaymentFailureType } from '../contracts/payment-failures';
import { localFirst } from './local-first';
import type { StepCall } from './local-first';
import { DEFAULT_NOTIFICATION_ATTEMPTS } from './saga-defaults';

type DatabaseSteps = OrderIntakeActivities &
  InventoryActivities &
  FraudActivities &
  OutboxActivities &
  SagaProgressActivities;

const paymentRefusals = [PaymentFailureType.paymentRefused, PaymentFailureType.paymentMissing];
const paymentRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '15s',
  nonRetryableErrorTypes: paymentRefusals,
};
const mailRetry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' };
/**
 * Attempts an outside step makes inside the workflow task before it becomes a regular activity: enough
 * for a dropped connection or a restart of the server, short enough that an outage soon shows as a
 * pending activity (about a second: 10 s at most per attempt for a server that hangs).
 */
export const LOCAL_OUTSIDE_ATTEMPTS = 3;
const localOutsideRetry: RetryPolicy = {
  initialInterval: '200ms',
  backoffCoefficient: 2,
  maximumAttempts: LOCAL_OUTSIDE_ATTEMPTS,
};

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
      ...mailRetry,
      maximumAttempts: options.notificationMaxAttempts ?? DEFAULT_NOTIFICATION_ATTEMPTS,
    },
  });
  // The payment steps talk to the payment provider, which may be down for minutes: regular activities, so
  // their attempts show as pending activities with the last error, retried until the provider answers.
  // A refusal (declined card, expired authorization) is never retried: the provider has decided.
  const payments = proxyActivities<PaymentActivities>({ startToCloseTimeout: '30s', retry: paymentRetry });
  // The input check fails for good or not at all: one attempt.
  const once = proxy<DatabaseSteps>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });
  return {
    acceptOrder: once.acceptOrder,
    reserveInventory: forward.reserveInventory,
    assessFraud: forward.assessFraud,
    commitInventory: forward.commitInventory,
    confirmationRecorded: forward.confirmationRecorded,
    releaseInventory: untilDone.releaseInventory,
    recordOrderEvents: untilDone.recordOrderEvents,
    recordGroupEvents: untilDone.recordGroupEvents,
    sendOrderNotification,
    authorizePayment: payments.authorizePayment,
    capturePayment: payments.capturePayment,
    voidPayment: payments.voidPayment,
  };
}

type Calls<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? StepCall<A, R> : never;
};

/** The same calls for both ways, so the saga's code does not depend on which one a history took. */
function asCalls<T>(proxies: ActivityInterfaceFor<T>): Calls<T> {
  return proxies as unknown as Calls<T>;
}

/**
 * The payment and mail steps of orderSaga, with `remote` (the saga's `sagaSteps`) as their regular
 * activities. `localFirstSteps` (every saga started since single-task sagas) runs them local first;
 * otherwise, and with `stepActivities: 'remote'`, they are the regular ones. The mail's attempts are
 * counted across both: `notificationMaxAttempts` in all.
 */
export function outsideSteps(
  options: OrderSagaOptions,
  remote: ReturnType<typeof sagaSteps>,
  localFirstSteps: boolean,
) {
  const regular = {
    authorizePayment: remote.authorizePayment,
    capturePayment: remote.capturePayment,
    voidPayment: remote.voidPayment,
  };
  const mailAttempts = options.notificationMaxAttempts ?? DEFAULT_NOTIFICATION_ATTEMPTS;
  const mail = asCalls({ sendOrderNotification: remote.sendOrderNotification });
  if (!localFirstSteps || options.stepActivities === 'remote') return { ...asCalls(regular), ...mail };

  const localPayments = asCalls(
    proxyLocalActivities<PaymentActivities>({
      startToCloseTimeout: '10s',
      retry: { ...localOutsideRetry, nonRetryableErrorTypes: paymentRefusals },
    }),
  );
  const localMailAttempts = Math.min(LOCAL_OUTSIDE_ATTEMPTS, mailAttempts);
  const localMail = asCalls(
    proxyLocalActivities<NotificationActivities>({
      startToCloseTimeout: '10s',
      retry: { ...localOutsideRetry, maximumAttempts: localMailAttempts },
    }),
  );
  const remainingMail =
    mailAttempts > localMailAttempts
      ? asCalls(
          proxyActivities<NotificationActivities>({
            startToCloseTimeout: '30s',
            retry: { ...mailRetry, maximumAttempts: mailAttempts - localMailAttempts },
          }),
        )
      : undefined;
  const payments = asCalls(regular);
  return {
    authorizePayment: localFirst(localPayments.authorizePayment, payments.authorizePayment, paymentRefusals),
    capturePayment: localFirst(localPayments.capturePayment, payments.capturePayment, paymentRefusals),
    voidPayment: localFirst(localPayments.voidPayment, payments.voidPayment, paymentRefusals),
    sendOrderNotification: localFirst(localMail.sendOrderNotification, remainingMail?.sendOrderNotification),
  };
}

// Every compensation the order timeline marks is a step of the saga.
compensatingSteps satisfies readonly (keyof ReturnType<typeof sagaSteps>)[];
