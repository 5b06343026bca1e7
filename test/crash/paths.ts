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
}

export interface CrashPath {
  name: string;
  order(sku: string): PricedOrder;
  /** What an operator does once the saga is running (its promise settles when that was answered). */
  drive?(driver: PathDriver): Promise<unknown>;
  points: readonly string[];
}

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
