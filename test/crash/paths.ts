/**
 * The saga paths of the crash-point matrix: how each is driven from outside (the order, the stock, the
 * operator's decision) and the crash points it passes, in the order the saga reaches them. A crash point
 * is a step (activity) name, and for the recording step the type of the event it records.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { PricedOrder } from '../../contracts/order';
import type { orderSaga } from '../../workflows';
import { cancelUpdate, decideReviewUpdate } from '../../workflows/messages';
import { pricedOrder } from '../support/catalog';

/** Units of the path's own SKU in stock before its order. */
export const STOCK = 5;
const visa = { method: 'pm_card_visa' };
// localstripe declines this card when the intent is confirmed (stack/servers/localstripe.sh).
const declining = { method: 'pm_card_chargeCustomerFail' };
// Over the fraud check's high amount, under its reject score: held for review.
const REVIEWED_PRICE = 60_000;

export interface PathDriver {
  /** Resolves once the order's event of this type is in the outbox. */
  outboxHas(type: string): Promise<void>;
  handle: WorkflowHandle<typeof orderSaga>;
  /** The stack's payment server, stopped and started as `bash stack/down|up localstripe` do. */
  paymentServer: { stop(): Promise<void>; start(): Promise<void> };
}

export interface CrashPath {
  name: string;
  order(sku: string): PricedOrder;
  /** Set up before the saga starts (say, an outage). */
  before?(driver: Omit<PathDriver, 'handle'>): Promise<void>;
  /** What an operator does once the saga is running (its promise settles when that was answered). */
  drive?(driver: PathDriver): Promise<unknown>;
  /** Takes a server of the stack away: its cells run alone, after all others. */
  outage?: boolean;
  points: readonly string[];
}

// Long enough for the local attempts to fail and the step to go on as a regular activity.
const OUTAGE_MS = 4_000;

const hold = [
  'reserveInventory',
  'authorizePayment',
  'assessFraud',
  'recordOrderEvents:order.review_required',
];

async function decide(driver: PathDriver, decision: 'approve' | 'reject') {
  await driver.outboxHas('order.review_required');
  return driver.handle.executeUpdate(decideReviewUpdate, { args: [{ decision, reviewer: 'crash-test' }] });
}

export const crashPaths: readonly CrashPath[] = [
  {
    name: 'happy',
    order: (sku) => pricedOrder([{ sku, quantity: 1, unitPriceMinor: 1_500 }], { payment: visa }),
    points: [
      'reserveInventory',
      'authorizePayment',
      'assessFraud',
      'capturePayment',
      'commitInventory',
      'sendOrderNotification',
    ],
  },
  {
    name: 'review approve',
    order: (sku) => pricedOrder([{ sku, quantity: 1, unitPriceMinor: REVIEWED_PRICE }], { payment: visa }),
    drive: (driver) => decide(driver, 'approve'),
    points: [
      ...hold,
      'recordOrderEvents:order.review_decided',
      'capturePayment',
      'commitInventory',
      'sendOrderNotification',
    ],
  },
  {
    name: 'review reject',
    order: (sku) => pricedOrder([{ sku, quantity: 1, unitPriceMinor: REVIEWED_PRICE }], { payment: visa }),
    drive: (driver) => decide(driver, 'reject'),
    points: [
      ...hold,
      'recordOrderEvents:order.review_decided',
      'voidPayment',
      'releaseInventory',
      'recordOrderEvents:order.rejected',
      'sendOrderNotification',
    ],
  },
  {
    name: 'cancel',
    order: (sku) => pricedOrder([{ sku, quantity: 1, unitPriceMinor: REVIEWED_PRICE }], { payment: visa }),
    drive: async (driver) => {
      await driver.outboxHas('order.review_required');
      return driver.handle.executeUpdate(cancelUpdate, {
        args: [{ reason: 'changed my mind', requestedBy: 'crash-test' }],
      });
    },
    points: [
      ...hold,
      'voidPayment',
      'releaseInventory',
      'recordOrderEvents:order.cancelled',
      'sendOrderNotification',
    ],
  },
  {
    name: 'decline',
    order: (sku) => pricedOrder([{ sku, quantity: 1, unitPriceMinor: 1_500 }], { payment: declining }),
    points: [
      'reserveInventory',
      'authorizePayment',
      'voidPayment',
      'releaseInventory',
      'recordOrderEvents:order.rejected',
      'sendOrderNotification',
    ],
  },
  {
    // The payment server down when the order arrives: the authorization's local attempts fail and it goes
    // on as a regular activity, which succeeds once the server is back; the crash point is then the
    // regular activity's attempt, whose result Temporal has not recorded when the worker dies.
    name: 'provider unavailable',
    order: (sku) => pricedOrder([{ sku, quantity: 1, unitPriceMinor: 1_500 }], { payment: visa }),
    outage: true,
    before: (driver) => driver.paymentServer.stop(),
    drive: async (driver) => {
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await driver.paymentServer.start();
    },
    points: ['authorizePayment'],
  },
  {
    name: 'short stock',
    order: (sku) => pricedOrder([{ sku, quantity: STOCK + 1, unitPriceMinor: 1_500 }], { payment: visa }),
    points: [
      'reserveInventory',
      'releaseInventory',
      'recordOrderEvents:order.rejected',
      'sendOrderNotification',
    ],
  },
];
