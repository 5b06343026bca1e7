/**
 * The saga's first step: checks its input against the contract. It runs here rather than in the workflow
 * because the workflow sandbox evaluates a workflow's modules afresh for every workflow it starts, and zod
 * with the order schemas cost about 11 ms of CPU per order there; in the worker they load once.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { OrderSagaInput } from '../contracts/order-messages';
import { INVALID_ORDER } from '../contracts/saga-failures';

export function createOrderIntakeActivities() {
  async function acceptOrder(input: unknown): Promise<void> {
    const parsed = OrderSagaInput.safeParse(input);
    if (!parsed.success) {
      throw ApplicationFailure.create({
        type: INVALID_ORDER,
        message: `invalid orderSaga input: ${z.prettifyError(parsed.error)}`,
        nonRetryable: true,
      });
    }
    return Promise.resolve();
  }
  return { acceptOrder };
}

export type OrderIntakeActivities = ReturnType<typeof createOrderIntakeActivities>;
