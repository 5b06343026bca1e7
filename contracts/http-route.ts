/** What a route of the HTTP API's table (`contracts/http-api.ts`) declares, and the role sets routes allow. */
import type { z } from 'zod';
import type { ApiRole } from './http-auth';
import type { ProblemCode } from './http-problem';

export interface HttpRoute {
  method: 'get' | 'post' | 'put';
  /** OpenAPI path syntax: `/v1/orders/{orderId}`. */
  path: string;
  summary: string;
  description?: string;
  tag: 'orders' | 'catalog' | 'deals' | 'analytics' | 'dashboard' | 'operations';
  /** Roles allowed to call the route; absent for public routes. */
  roles?: readonly ApiRole[];
  params?: z.ZodType;
  query?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType;
  /** Success responses by status; a schema, or the media type of a non-JSON body. */
  responses: Record<number, z.ZodType | 'text/plain' | 'text/html'>;
  /** Problem codes the route can answer with, beside the ones every route can (429, 500, 503). */
  problems: readonly ProblemCode[];
}

/** Storefronts and operators. */
export const anyone = ['storefront', 'operator'] as const satisfies readonly ApiRole[];
/** Operators only. */
export const operators = ['operator'] as const satisfies readonly ApiRole[];
