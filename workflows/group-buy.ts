/**
 * groupBuy: one durable deal (`group-<dealId>`). Customers join through an update until `targetSize` have
 * joined; each join reserves the participant's unit and authorizes their payment at once (the order saga's
 * own steps, on an order of their own), so a formed deal never waits on stock or a card. When the deal
 * forms, every participant is captured, their stock committed and they are mailed; when the deadline
 * passes first, or an operator cancels, every authorization is voided and every unit released. Nobody is
 * charged in a failed deal; nobody is left uncharged in a formed one.
 *
 * The participants' steps run here rather than in a child orderSaga each: a child saga would reserve and
 * authorize only when started, so a join could not be refused for short stock or a declined card at the
 * moment the customer joins, and the deal would hold no money while it waits. Each participant's order
 * still writes the usual order events (created, reserved, authorized … confirmed or cancelled) under its
 * own order id, so order consumers see ordinary orders.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { stampedOrderEvent } from '../contracts/event-stamp';
import type { OrderEvent, OrderEventData, OrderEventType } from '../contracts/events';
import { stampedGroupEvent } from '../contracts/group-event-stamp';
import type { GroupEventData, GroupEventType } from '../contracts/group-events';
import { countedParticipants, joinRefusal, leaveRefusal } from '../contracts/group-deal';
import type {
  DealCancellation,
  GroupBuyInput,
  GroupDealState,
  JoinRequest,
  LeaveRequest,
  Participant,
} from '../contracts/group-deal';
import { InventoryFailureType } from '../contracts/inventory-failures';
import { NotificationKind } from '../contracts/notification';
import type { PricedOrder } from '../contracts/order';
import { EventSequence } from './event-sequence';
import { eventsWrittenBy } from '../contracts/step-events';
import { cancelDealUpdate, dealQuery, joinDealUpdate, leaveDealUpdate } from './group-messages';
import { DealSkuKey, DealStatusKey } from './search-attributes';
import { sagaSteps } from './saga-steps';

/** ApplicationFailure type of a refused join or leave (the update fails with the reason). */
export const GROUP_REQUEST_REFUSED = 'GroupRequestRefused';

const refuse = (message: string) =>
  ApplicationFailure.create({ type: GROUP_REQUEST_REFUSED, message, nonRetryable: true });

/** One participant's order, with its own event stream. */
interface ParticipantOrder {
  participant: Participant;
  order: PricedOrder;
  events: EventSequence;
}

export async function groupBuy(input: GroupBuyInput): Promise<GroupDealState> {
  const { terms } = input;
  const state: GroupDealState = { terms, status: 'open', participants: [], eventsPublished: 0 };
  // Regular activities, not local ones: joins, leaves and the deal itself run as concurrent coroutines,
  // and local activities resolved from history markers on replay can wake them in another order than
  // they ran live (a replay of the first recorded deals failed that way). A deal's steps are few.
  const step = sagaSteps({ stepActivities: 'remote' });
  const dealEvents = new EventSequence(terms.dealId, (written) => {
    state.eventsPublished = written;
  });
  const orders = new Map<string, ParticipantOrder>();
  let joins = 0;
  let cancellation: DealCancellation | undefined;
  let settled = false;

  // Concurrent joins and leaves each write a deal event: one at a time, so sequences never collide.
  let dealEventQueue = Promise.resolve();
  function recordDealEvent<T extends GroupEventType>(type: T, data: () => GroupEventData<T>): Promise<void> {
    const written = dealEventQueue.then(async () => {
      const recorded = [stampedGroupEvent(dealEvents.peek(), type, data())];
      await step.recordGroupEvents(recorded);
      dealEvents.advance(eventsWrittenBy.recordOrderEvents(recorded));
    });
    dealEventQueue = written;
    return written;
  }
  const size = () => {
    const participants = state.participants.filter((p) => p.status === 'joined').length;
    return { participants, needed: Math.max(0, terms.targetSize - participants) };
  };

  const nextOrderEvent = <T extends OrderEventType>(o: ParticipantOrder, type: T, data: OrderEventData<T>) =>
    stampedOrderEvent(o.events.peek(), type, data);
  const recordOrder = async (o: ParticipantOrder, event: OrderEvent) => {
    await step.recordOrderEvents([event]);
    o.events.advance(eventsWrittenBy.recordOrderEvents([event]));
  };
  const money = (o: ParticipantOrder) => ({
    customerId: o.order.customerId,
    totalMinor: o.order.totalMinor,
    currency: o.order.currency,
  });

  /** Voids the payment and releases the unit of one participant, then ends their order as cancelled. */
  async function undo(o: ParticipantOrder, reason: string, requestedBy: string): Promise<void> {
    const voided = await step.voidPayment(o.order.orderId, o.events.peek());
    if (voided.payment) o.participant.payment = voided.payment;
    o.events.advance(eventsWrittenBy.voidPayment(voided));
    const released = await step.releaseInventory(o.order.orderId, o.events.peek());
    o.events.advance(eventsWrittenBy.releaseInventory(released));
    o.participant.status = 'released';
    await recordOrder(
      o,
      nextOrderEvent(o, 'order.cancelled', { orderId: o.order.orderId, ...money(o), reason, requestedBy }),
    );
  }

  async function join(request: JoinRequest): Promise<Participant> {
    // Checked again: another join may have taken the last place since this one was validated.
    const refusal = joinRefusal(state, request, Date.now());
    if (refusal) throw refuse(refusal);
    joins += 1;
    const orderId = `${terms.dealId}-${joins}`;
    const participant: Participant = {
      customerId: request.customerId,
      orderId,
      status: 'joining',
      joinedAt: new Date().toISOString(),
    };
    state.participants.push(participant);
    const order: PricedOrder = {
      orderId,
      customerId: request.customerId,
      lines: [
        {
          sku: terms.sku,
          quantity: 1,
          name: terms.productName,
          unitPriceMinor: terms.groupPriceMinor,
          lineTotalMinor: terms.groupPriceMinor,
        },
      ],
      currency: terms.currency,
      totalMinor: terms.groupPriceMinor,
      shippingAddress: request.shippingAddress,
      contact: request.contact,
      payment: request.payment,
      placedAt: participant.joinedAt,
    };
    const o: ParticipantOrder = {
      participant,
      order,
      events: new EventSequence(orderId, () => undefined, `order-${orderId}`),
    };
    orders.set(orderId, o);
    const rejected = async (code: 'insufficient_stock' | 'payment_declined', reason: string) => {
      participant.status = 'released';
      await recordOrder(o, nextOrderEvent(o, 'order.rejected', { orderId, ...money(o), code, reason }));
      return refuse(reason);
    };

    // Database and payment steps run to the end once started, as in the order saga.
    return CancellationScope.nonCancellable(async () => {
      const created = nextOrderEvent(o, 'order.created', {
        orderId,
        ...money(o),
        lines: [{ sku: terms.sku, quantity: 1, unitPriceMinor: terms.groupPriceMinor }],
        placedAt: order.placedAt,
      });
      try {
        await step.reserveInventory({
          orderId,
          lines: [{ sku: terms.sku, quantity: 1 }],
          events: { created, outcome: o.events.peek(2) },
        });
        o.events.advance(eventsWrittenBy.reserveInventory());
      } catch (err) {
        const failure = err instanceof ApplicationFailure ? err : (err as { cause?: unknown }).cause;
        if (
          !(failure instanceof ApplicationFailure) ||
          failure.type !== InventoryFailureType.insufficientStock
        )
          throw err;
        o.events.advance(eventsWrittenBy.reserveInventory());
        throw await rejected('insufficient_stock', `no stock left for ${terms.sku}`);
      }
      const payment = await step.authorizePayment(
        {
          orderId,
          customerId: request.customerId,
          amountMinor: order.totalMinor,
          currency: order.currency,
          method: request.payment.method,
        },
        o.events.peek(),
      );
      o.events.advance(eventsWrittenBy.authorizePayment());
      participant.payment = payment;
      if (payment.status !== 'authorized') {
        const released = await step.releaseInventory(orderId, o.events.peek());
        o.events.advance(eventsWrittenBy.releaseInventory(released));
        throw await rejected(
          'payment_declined',
          `payment declined (${payment.declineCode ?? 'declined'}): ${payment.reason ?? ''}`,
        );
      }
      participant.status = 'joined';
      await recordDealEvent('group.joined', () => ({
        dealId: terms.dealId,
        customerId: request.customerId,
        orderId,
        ...size(),
      }));
      return participant;
    });
  }

  setHandler(dealQuery, () => state);
  setHandler(joinDealUpdate, join, {
    validator: (request: JoinRequest) => {
      const refusal = joinRefusal(state, request, Date.now());
      if (refusal) throw new Error(refusal);
    },
  });
  setHandler(
    leaveDealUpdate,
    async (request: LeaveRequest) => {
      const o = [...orders.values()].find(
        (p) => p.participant.customerId === request.customerId && p.participant.status === 'joined',
      );
      if (!o || state.status !== 'open') throw refuse(leaveRefusal(state, request) ?? 'not a participant');
      // Counted out at once: the deal may form without this participant while the undo runs.
      o.participant.status = 'left';
      await CancellationScope.nonCancellable(() => undo(o, 'left the group deal', request.customerId));
      o.participant.status = 'left';
      await recordDealEvent('group.left', () => ({
        dealId: terms.dealId,
        customerId: request.customerId,
        orderId: o.order.orderId,
        ...size(),
      }));
      return o.participant;
    },
    {
      validator: (request: LeaveRequest) => {
        const refusal = leaveRefusal(state, request);
        if (refusal) throw new Error(refusal);
      },
    },
  );
  setHandler(
    cancelDealUpdate,
    async (request: DealCancellation) => {
      cancellation = request;
      await condition(() => settled);
      return state;
    },
    {
      validator: (_request: DealCancellation) => {
        if (state.status !== 'open')
          throw new Error(`the deal is ${state.status}; only an open deal can be cancelled`);
      },
    },
  );

  // Operators find deals by SKU and state in the Temporal UI: set when the deal opens and when it ends.
  upsertSearchAttributes([
    { key: DealSkuKey, value: terms.sku },
    { key: DealStatusKey, value: state.status },
  ]);
  await recordDealEvent('group.opened', () => ({
    dealId: terms.dealId,
    sku: terms.sku,
    groupPriceMinor: terms.groupPriceMinor,
    currency: terms.currency,
    targetSize: terms.targetSize,
    maxSize: terms.maxSize,
    deadline: terms.deadline,
    leaderCustomerId: terms.leaderCustomerId,
  }));

  const untilDeadline = Date.parse(terms.deadline) - Date.now();
  const reached = () => size().participants >= terms.targetSize;
  const decided =
    untilDeadline > 0 && (await condition(() => reached() || cancellation !== undefined, untilDeadline));
  const forms = decided && cancellation === undefined;
  // No join or leave starts from here on (their validators see the deal is no longer open); those already
  // under way finish first, so settlement sees every participant as joined or gone.
  state.status = forms ? 'forming' : cancellation ? 'cancelled' : 'failed';
  await condition(() => !state.participants.some((p) => p.status === 'joining'));

  await CancellationScope.nonCancellable(async () => {
    const joined = [...orders.values()].filter((o) => o.participant.status === 'joined');
    if (forms) {
      await Promise.all(joined.map((o) => settle(o)));
      state.status = 'formed';
      await recordDealEvent('group.formed', () => ({
        dealId: terms.dealId,
        orderIds: joined.map((o) => o.order.orderId),
        participants: joined.length,
      }));
    } else {
      const reason = cancellation
        ? `the group deal was cancelled: ${cancellation.reason}`
        : `the group deal did not reach ${terms.targetSize} participants by ${terms.deadline}`;
      state.reason = reason;
      const counted = countedParticipants(state).length;
      await Promise.all(joined.map((o) => fail(o, reason, cancellation?.requestedBy ?? 'system')));
      await recordDealEvent('group.failed', () => ({
        dealId: terms.dealId,
        reason,
        cancelled: cancellation !== undefined,
        participants: counted,
        needed: Math.max(0, terms.targetSize - counted),
      }));
    }
  });
  upsertSearchAttributes([{ key: DealStatusKey, value: state.status }]);
  settled = true;
  await condition(allHandlersFinished);
  return state;

  /** A formed deal: capture, commit, mail. */
  async function settle(o: ParticipantOrder): Promise<void> {
    o.participant.payment = await step.capturePayment(o.order.orderId, o.events.peek());
    o.events.advance(eventsWrittenBy.capturePayment());
    const confirmed = [nextOrderEvent(o, 'order.confirmed', { orderId: o.order.orderId, ...money(o) })];
    await step.commitInventory(o.order.orderId, confirmed);
    o.events.advance(eventsWrittenBy.commitInventory(confirmed));
    o.participant.status = 'charged';
    await notify(o, NotificationKind.confirmed);
  }

  /** A failed or cancelled deal: void, release, mail. */
  async function fail(o: ParticipantOrder, reason: string, requestedBy: string): Promise<void> {
    await undo(o, reason, requestedBy);
    await notify(o, NotificationKind.cancelled, reason);
  }

  async function notify(o: ParticipantOrder, kind: NotificationKind, reason?: string): Promise<void> {
    try {
      await step.sendOrderNotification({
        kind,
        order: o.order,
        ...(reason ? { reason } : {}),
        sentEvent: o.events.peek(),
      });
      o.events.advance(eventsWrittenBy.sendOrderNotification());
    } catch (err) {
      // A mail that cannot be delivered never changes the deal's outcome.
      await recordOrder(
        o,
        nextOrderEvent(o, 'notification.failed', {
          orderId: o.order.orderId,
          kind,
          channel: 'email',
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    }
  }
}
