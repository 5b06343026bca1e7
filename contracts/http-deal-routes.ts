/** The group-deal routes of the route table (`contracts/http-api.ts`): open, list, read, join, leave, cancel. */
import {
  CancelDealBody,
  DealIdParams,
  DealList,
  DealView,
  JoinDealBody,
  LeaveDealBody,
  OpenDealBody,
} from './http-groups';
import { anyone, operators } from './http-route';
import type { HttpRoute } from './http-route';
import type { ProblemCode } from './http-problem';

/** What a join, leave or cancellation of a deal can be answered with. */
const dealUpdateProblems = [
  'validation_failed',
  'malformed_json',
  'unauthenticated',
  'forbidden',
  'deal_not_found',
  'deal_request_refused',
  'payload_too_large',
  'unsupported_media_type',
] as const satisfies readonly ProblemCode[];

export const dealRoutes = {
  openDeal: {
    method: 'post',
    path: '/v1/deals',
    summary: 'Open a group deal; the leader joins at once',
    description:
      'A deal for one SKU at a group price forms when `targetSize` customers have joined before the deadline: ' +
      'each participant is then charged and their order confirmed. If the deadline passes first, every ' +
      'authorization is voided and every unit released. Joining reserves a unit and authorizes the payment at once.',
    tag: 'deals',
    roles: anyone,
    body: OpenDealBody,
    responses: { 201: DealView },
    problems: [
      'validation_failed',
      'malformed_json',
      'unauthenticated',
      'forbidden',
      'deal_exists',
      'deal_request_refused',
      'payload_too_large',
      'unsupported_media_type',
      'unknown_sku',
      'invalid_deal_terms',
    ],
  },
  listDeals: {
    method: 'get',
    path: '/v1/deals',
    summary: 'List the open deals, newest first',
    tag: 'deals',
    roles: anyone,
    responses: { 200: DealList },
    problems: ['unauthenticated', 'forbidden'],
  },
  getDeal: {
    method: 'get',
    path: '/v1/deals/{dealId}',
    summary: 'Read a deal with its participants and the time left',
    tag: 'deals',
    roles: anyone,
    params: DealIdParams,
    responses: { 200: DealView },
    problems: ['validation_failed', 'unauthenticated', 'forbidden', 'deal_not_found'],
  },
  joinDeal: {
    method: 'post',
    path: '/v1/deals/{dealId}/join',
    summary: 'Join a deal: reserves a unit and authorizes the payment',
    tag: 'deals',
    roles: anyone,
    params: DealIdParams,
    body: JoinDealBody,
    responses: { 200: DealView },
    problems: dealUpdateProblems,
  },
  leaveDeal: {
    method: 'post',
    path: '/v1/deals/{dealId}/leave',
    summary: 'Leave a deal before it forms: the authorization is voided and the unit released',
    tag: 'deals',
    roles: anyone,
    params: DealIdParams,
    body: LeaveDealBody,
    responses: { 200: DealView },
    problems: dealUpdateProblems,
  },
  cancelDeal: {
    method: 'post',
    path: '/v1/deals/{dealId}/cancel',
    summary: 'Cancel an open deal: everyone is voided and released',
    tag: 'deals',
    roles: operators,
    params: DealIdParams,
    body: CancelDealBody,
    responses: { 200: DealView },
    problems: dealUpdateProblems,
  },
} as const satisfies Record<string, HttpRoute>;
