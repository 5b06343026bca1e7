/**
 * Group buying: a deal a leader opens for one SKU at a group price, which forms when `targetSize`
 * customers have joined before the deadline, or fails and refunds everyone. Free of zod (plain types and
 * checks): workflow code imports it. The HTTP schemas are in ./http-groups.
 */
import type { Contact, PaymentMethodInput, ShippingAddress } from './order';
import type { Payment } from './payment';

export interface GroupDealTerms {
  dealId: string;
  sku: string;
  /** Product name, for the participants' orders and mails. */
  productName: string;
  groupPriceMinor: number;
  currency: string;
  targetSize: number;
  maxSize: number;
  /** ISO time after which nobody may join; a deal not formed by then fails. */
  deadline: string;
  leaderCustomerId: string;
}

export interface JoinRequest {
  customerId: string;
  shippingAddress: ShippingAddress;
  contact: Contact;
  payment: PaymentMethodInput;
}

export interface LeaveRequest {
  customerId: string;
}

export interface DealCancellation {
  reason: string;
  requestedBy: string;
}

export const groupDealStatuses = ['open', 'forming', 'formed', 'failed', 'cancelled'] as const;
export type GroupDealStatus = (typeof groupDealStatuses)[number];

export type ParticipantStatus = 'joining' | 'joined' | 'left' | 'charged' | 'released';

export interface Participant {
  customerId: string;
  /** The participant's order: its events form an order stream of their own (`order-<orderId>:<n>`). */
  orderId: string;
  status: ParticipantStatus;
  joinedAt: string;
  payment?: Payment;
}

export interface GroupDealState {
  terms: GroupDealTerms;
  status: GroupDealStatus;
  participants: Participant[];
  /** Why the deal failed or was cancelled. */
  reason?: string;
  eventsPublished: number;
}

export interface GroupBuyInput {
  terms: GroupDealTerms;
}

/** Workflow id of a deal. */
export const groupWorkflowId = (dealId: string) => `group-${dealId}`;

/** Participants that count towards the size: joined, or joining right now. */
export const countedParticipants = (state: GroupDealState) =>
  state.participants.filter((p) => p.status === 'joining' || p.status === 'joined');

/** Why a join is refused, or undefined when it may go ahead (the workflow's update validator). */
export function joinRefusal(state: GroupDealState, request: JoinRequest, now: number): string | undefined {
  if (typeof request?.customerId !== 'string' || request.customerId.length === 0)
    return 'customerId is required';
  if (typeof request.payment?.method !== 'string') return 'a payment method is required to join';
  if (state.status !== 'open') return `the deal is ${state.status}`;
  if (now >= Date.parse(state.terms.deadline))
    return `the deal closed at its deadline ${state.terms.deadline}`;
  if (countedParticipants(state).some((p) => p.customerId === request.customerId)) {
    return `customer ${request.customerId} has already joined`;
  }
  if (countedParticipants(state).length >= state.terms.maxSize) {
    return `the deal is full (${state.terms.maxSize} participants)`;
  }
  return undefined;
}

/** Why a leave is refused, or undefined. */
export function leaveRefusal(state: GroupDealState, request: LeaveRequest): string | undefined {
  if (state.status !== 'open')
    return `the deal is ${state.status}; participants can leave only before it forms`;
  const participant = state.participants.find(
    (p) => p.customerId === request?.customerId && p.status === 'joined',
  );
  return participant ? undefined : `customer ${String(request?.customerId)} is not a participant`;
}
