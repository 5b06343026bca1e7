/** Typed search attributes an operator filters orders by in the Temporal UI. */
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const OrderTotalKey = defineSearchAttributeKey('OrderTotal', SearchAttributeType.DOUBLE);
export const FraudDecisionKey = defineSearchAttributeKey('FraudDecision', SearchAttributeType.KEYWORD);
