/**
 * Error bodies of the HTTP API: RFC 9457 problem documents (`application/problem+json`) with a stable,
 * machine-readable `code`, and for validation failures the list of issues.
 */
import { z } from 'zod';
import { OrderStatus } from './order-status';

/** Every code the API answers with, and the HTTP status it always comes with. */
export const problemStatus = {
  validation_failed: 400,
  malformed_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  order_not_found: 404,
  deal_not_found: 404,
  product_not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  idempotency_key_reused: 409,
  order_update_refused: 409,
  order_closed: 409,
  product_exists: 409,
  deal_exists: 409,
  deal_request_refused: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unknown_sku: 422,
  duplicate_sku: 422,
  mixed_currencies: 422,
  invalid_deal_terms: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export const ProblemCode = z.enum(Object.keys(problemStatus) as [keyof typeof problemStatus]);
export type ProblemCode = z.infer<typeof ProblemCode>;

/** The `type` URI of a problem code (a URN: stable, and never mistaken for a page to fetch). */
export function problemType(code: ProblemCode): string {
  return `urn:fusioncommerce:problem:${code.replace(/_/g, '-')}`;
}

export const ValidationIssue = z.object({
  /** Where the problem is: `body.lines.0.sku`, `query.pageSize`, `headers.idempotency-key`, `params.orderId`. */
  path: z.string(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssue>;

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  code: ProblemCode,
  /** The request path the problem occurred on. */
  instance: z.string().optional(),
  issues: z.array(ValidationIssue).optional(),
  orderId: z.string().optional(),
  dealId: z.string().optional(),
  /** For order_closed and order_update_refused: the order's status when the request was refused. */
  orderStatus: OrderStatus.optional(),
  sku: z.string().optional(),
  skus: z.array(z.string()).optional(),
  currencies: z.array(z.string()).optional(),
  requiredRoles: z.array(z.string()).optional(),
  retryAfterSeconds: z.number().int().positive().optional(),
  dependency: z.string().optional(),
  /** For method_not_allowed: the methods the path answers (also in the Allow header). */
  allowedMethods: z.array(z.string()).optional(),
});
export type Problem = z.infer<typeof Problem>;
