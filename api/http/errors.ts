/**
 * Typed errors the handlers throw. Each knows its problem code (and so its HTTP status) and the extension
 * members of its problem document; `error-handler.ts` is the one place that turns them into responses.
 */
import type { OrderStatus } from '../../contracts/order-status';
import type { ApiRole } from '../../contracts/http-auth';
import type { Problem, ProblemCode, ValidationIssue } from '../../contracts/http-problem';

export type ProblemExtensions = Omit<Partial<Problem>, 'type' | 'title' | 'status' | 'detail' | 'code'>;

export abstract class ApiError extends Error {
  abstract readonly code: ProblemCode;
  /** Extension members of the problem document. */
  extensions(): ProblemExtensions {
    return {};
  }
  /** Response headers the problem needs (Retry-After, WWW-Authenticate). */
  headers(): Record<string, string> {
    return {};
  }
}

/** Thrown when a request's params, query, headers or body do not match the route's contract. */
export class ValidationError extends ApiError {
  readonly code = 'validation_failed';
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(`the request is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
  override extensions(): ProblemExtensions {
    return { issues: [...this.issues] };
  }
}

/** Thrown when the request body is not well-formed JSON. */
export class MalformedJsonError extends ApiError {
  readonly code = 'malformed_json';
  constructor() {
    super('the request body is not valid JSON');
  }
}

/** Thrown when a request carries no API key, or one that matches no configured key. */
export class UnauthenticatedError extends ApiError {
  readonly code = 'unauthenticated';
  constructor(readonly reason: 'missing' | 'unknown') {
    super(
      reason === 'missing'
        ? 'this route needs an API key in the X-API-Key header (or Authorization: Bearer)'
        : 'the API key is not valid',
    );
  }
  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': 'Bearer realm="fusioncommerce"' };
  }
}

/** Thrown when a valid API key lacks the role a route (or this particular order) needs. */
export class ForbiddenError extends ApiError {
  readonly code = 'forbidden';
  constructor(
    readonly keyName: string,
    readonly requiredRoles: readonly ApiRole[],
    detail = `API key ${keyName} may not do this; it needs the role ${requiredRoles.join(' or ')}`,
  ) {
    super(detail);
  }
  override extensions(): ProblemExtensions {
    return { requiredRoles: [...this.requiredRoles] };
  }
}

/** Thrown when no order saga exists for the order id. */
export class OrderNotFoundError extends ApiError {
  readonly code = 'order_not_found';
  constructor(readonly orderId: string) {
    super(`order ${orderId} does not exist`);
  }
  override extensions(): ProblemExtensions {
    return { orderId: this.orderId };
  }
}

/** Thrown when a SKU in a path is not in the catalog. */
export class ProductNotFoundError extends ApiError {
  readonly code = 'product_not_found';
  constructor(readonly sku: string) {
    super(`product ${sku} does not exist`);
  }
  override extensions(): ProblemExtensions {
    return { sku: this.sku };
  }
}

/** Thrown when no route matches the method and path. */
export class RouteNotFoundError extends ApiError {
  readonly code = 'route_not_found';
  constructor(
    readonly method: string,
    readonly path: string,
  ) {
    super(`no route ${method} ${path}`);
  }
}

/** Thrown when the path exists but does not answer the method (RFC 9110: 405 with an Allow header). */
export class MethodNotAllowedError extends ApiError {
  readonly code = 'method_not_allowed';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly allowed: readonly string[],
  ) {
    super(`${path} does not answer ${method}; it answers ${allowed.join(', ')}`);
  }
  override extensions(): ProblemExtensions {
    return { allowedMethods: [...this.allowed] };
  }
  override headers(): Record<string, string> {
    return { Allow: this.allowed.join(', ') };
  }
}

/** Thrown when no group deal has the id. */
export class DealNotFoundError extends ApiError {
  readonly code = 'deal_not_found';
  constructor(readonly dealId: string) {
    super(`no deal ${dealId}`);
  }
  override extensions(): ProblemExtensions {
    return { dealId: this.dealId };
  }
}

/** Thrown when a deal is opened under an id already used. */
export class DealExistsError extends ApiError {
  readonly code = 'deal_exists';
  constructor(readonly dealId: string) {
    super(`deal ${dealId} already exists; join it instead, or open a deal under another id`);
  }
  override extensions(): ProblemExtensions {
    return { dealId: this.dealId };
  }
}

/** Thrown when the deal refused a join, leave or cancellation, with its reason. */
export class DealRequestRefusedError extends ApiError {
  readonly code = 'deal_request_refused';
  constructor(
    readonly dealId: string,
    reason: string,
  ) {
    super(`deal ${dealId} refused the request: ${reason}`);
  }
  override extensions(): ProblemExtensions {
    return { dealId: this.dealId };
  }
}

/** Thrown when a deal's terms are inconsistent (sizes, deadline). */
export class InvalidDealTermsError extends ApiError {
  readonly code = 'invalid_deal_terms';
}

/** Thrown when an Idempotency-Key is sent again with a different body. */
export class IdempotencyKeyReusedError extends ApiError {
  readonly code = 'idempotency_key_reused';
  constructor(
    readonly idempotencyKey: string,
    readonly orderId: string,
  ) {
    super(
      `Idempotency-Key ${idempotencyKey} was already used for order ${orderId} with a different body; use a new key for a new order`,
    );
  }
  override extensions(): ProblemExtensions {
    return { orderId: this.orderId };
  }
}

/** Thrown when the saga's update validator refuses a cancellation or review decision. */
export class OrderUpdateRefusedError extends ApiError {
  readonly code = 'order_update_refused';
  constructor(
    readonly orderId: string,
    readonly reason: string,
    readonly orderStatus?: OrderStatus,
  ) {
    super(reason);
  }
  override extensions(): ProblemExtensions {
    return { orderId: this.orderId, ...(this.orderStatus ? { orderStatus: this.orderStatus } : {}) };
  }
}

/** Thrown when an update targets an order whose saga has already completed. */
export class OrderClosedError extends ApiError {
  readonly code = 'order_closed';
  constructor(
    readonly orderId: string,
    readonly orderStatus: OrderStatus | undefined,
  ) {
    super(
      `order ${orderId} has already ended${orderStatus ? ` as ${orderStatus}` : ''} and can no longer change`,
    );
  }
  override extensions(): ProblemExtensions {
    return { orderId: this.orderId, ...(this.orderStatus ? { orderStatus: this.orderStatus } : {}) };
  }
}

/** Thrown when a product is created again with different data. */
export class ProductExistsError extends ApiError {
  readonly code = 'product_exists';
  constructor(readonly sku: string) {
    super(`product ${sku} already exists with different data`);
  }
  override extensions(): ProblemExtensions {
    return { sku: this.sku };
  }
}

/** Thrown when an order names a SKU on more than one line (one line per SKU, with its quantity). */
export class DuplicateSkuError extends ApiError {
  readonly code = 'duplicate_sku';
  constructor(readonly skus: readonly string[]) {
    super(`each SKU may appear on one line only; put the whole quantity of ${skus.join(', ')} on one line`);
  }
  override extensions(): ProblemExtensions {
    return { skus: [...this.skus] };
  }
}

/** Thrown when an order names SKUs the catalog does not have. */
export class UnknownSkuError extends ApiError {
  readonly code = 'unknown_sku';
  constructor(readonly skus: readonly string[]) {
    super(`unknown SKU${skus.length === 1 ? '' : 's'}: ${skus.join(', ')}`);
  }
  override extensions(): ProblemExtensions {
    return { skus: [...this.skus] };
  }
}

/** Thrown when an order's products are priced in more than one currency. */
export class MixedCurrenciesError extends ApiError {
  readonly code = 'mixed_currencies';
  constructor(readonly currencies: readonly string[]) {
    super(`an order must be in one currency; these lines are in ${currencies.join(', ')}`);
  }
  override extensions(): ProblemExtensions {
    return { currencies: [...this.currencies] };
  }
}

/** Thrown when the request body exceeds the configured limit. */
export class PayloadTooLargeError extends ApiError {
  readonly code = 'payload_too_large';
  constructor(readonly limit: string) {
    super(`the request body is larger than ${limit}`);
  }
}

/** Thrown when a request with a body is not sent as application/json. */
export class UnsupportedMediaTypeError extends ApiError {
  readonly code = 'unsupported_media_type';
  constructor(readonly contentType: string | undefined) {
    super(`send the body as application/json${contentType ? `, not ${contentType}` : ''}`);
  }
}

/** Thrown when an API key (or a client address without one) has used up its request budget. */
export class RateLimitedError extends ApiError {
  readonly code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests; retry in ${retryAfterSeconds} s`);
  }
  override extensions(): ProblemExtensions {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
  override headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

/** Thrown when Temporal, PostgreSQL, Kafka or Druid cannot be reached (or did not answer in time). */
export class ServiceUnavailableError extends ApiError {
  readonly code = 'service_unavailable';
  constructor(
    readonly dependency: 'temporal' | 'postgres' | 'kafka' | 'druid',
    readonly retryAfterSeconds = 5,
  ) {
    super(`a dependency (${dependency}) is unavailable; retry in ${retryAfterSeconds} s`);
  }
  override extensions(): ProblemExtensions {
    return { dependency: this.dependency, retryAfterSeconds: this.retryAfterSeconds };
  }
  override headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}
