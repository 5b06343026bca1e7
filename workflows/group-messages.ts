/** A group deal's message definitions, shared by the workflow and its clients (API, tests). */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  DealCancellation,
  GroupDealState,
  JoinRequest,
  LeaveRequest,
  Participant,
} from '../contracts/group-deal';

/** The deal, its participants and their payments. */
export const dealQuery = defineQuery<GroupDealState>('deal');

/**
 * Joins the deal (update-with-start: the first join can open it): reserves the participant's unit and
 * authorizes their payment; refused with the reason when the deal is closed, full, past its deadline, the
 * customer is in already, the stock is short or the payment is declined — nothing is left held then.
 */
export const joinDealUpdate = defineUpdate<Participant, [JoinRequest]>('join');

/** Leaves the deal before it forms: the authorization is voided and the unit released. */
export const leaveDealUpdate = defineUpdate<Participant, [LeaveRequest]>('leave');

/** An operator cancels an open deal: everyone's authorization is voided and stock released. */
export const cancelDealUpdate = defineUpdate<GroupDealState, [DealCancellation]>('cancelDeal');
