// The workflow bundle's entry point: every workflow the order worker registers.
export { orderSaga } from './order-saga';
export { groupBuy } from './group-buy';
