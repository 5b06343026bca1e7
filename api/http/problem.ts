/** Builds and sends RFC 9457 problem documents. */
import type { Response } from 'express';
import type { Problem, ProblemCode } from '../../contracts/http-problem';
import { problemStatus, problemType } from '../../contracts/http-problem';
import type { ProblemExtensions } from './errors';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const titles: Record<ProblemCode, string> = {
  validation_failed: 'The request is invalid',
  malformed_json: 'The request body is not valid JSON',
  unauthenticated: 'An API key is required',
  forbidden: 'The API key may not do this',
  order_not_found: 'Order not found',
  deal_not_found: 'Deal not found',
  deal_exists: 'The deal already exists',
  deal_request_refused: 'The deal refused the request',
  invalid_deal_terms: 'The deal terms are invalid',
  product_not_found: 'Product not found',
  route_not_found: 'Route not found',
  method_not_allowed: 'Method not allowed',
  idempotency_key_reused: 'Idempotency-Key reused with a different body',
  order_update_refused: 'The order refused the request',
  order_closed: 'The order has already ended',
  product_exists: 'The product already exists',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'Unsupported media type',
  unknown_sku: 'Unknown SKU',
  duplicate_sku: 'SKU on more than one line',
  mixed_currencies: 'Lines in more than one currency',
  rate_limited: 'Too many requests',
  internal_error: 'Internal error',
  service_unavailable: 'Service temporarily unavailable',
};

export function problem(code: ProblemCode, detail: string, extensions: ProblemExtensions = {}): Problem {
  return {
    type: problemType(code),
    title: titles[code],
    status: problemStatus[code],
    detail,
    code,
    ...extensions,
  };
}

export function sendProblem(res: Response, body: Problem, headers: Record<string, string> = {}): void {
  res.status(body.status).set(headers).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(body));
}
