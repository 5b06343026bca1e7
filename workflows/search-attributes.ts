/**
 * Typed search attributes an operator filters orders by in the Temporal UI. A server must know them before
 * the first order starts: the test servers register `orderSearchAttributeKeys`, while the local stack's
 * Temporal reads search-attributes.json (shell scripts cannot read TypeScript), and a unit test holds the
 * keys here and the registration in docker-compose.yml to that file.
 */
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const OrderTotalKey = defineSearchAttributeKey('OrderTotal', SearchAttributeType.DOUBLE);
export const FraudDecisionKey = defineSearchAttributeKey('FraudDecision', SearchAttributeType.KEYWORD);
/** Group deals: found by SKU and state (open, formed, failed, cancelled). */
export const DealSkuKey = defineSearchAttributeKey('DealSku', SearchAttributeType.KEYWORD);
export const DealStatusKey = defineSearchAttributeKey('DealStatus', SearchAttributeType.KEYWORD);

/** Every key above: what a server must know before the first order or deal starts. */
export const orderSearchAttributeKeys = [
  OrderStatusKey,
  CustomerIdKey,
  OrderTotalKey,
  FraudDecisionKey,
  DealSkuKey,
  DealStatusKey,
];
