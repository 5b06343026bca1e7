/**
 * Mounts a handler for a route of `contracts/http-api.ts`: checks the caller's role, validates params,
 * query, headers and body against the route's schemas (400 with every issue), and, outside production,
 * checks the response against the schema of its status, so a handler cannot drift from the contract.
 */
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { HttpRoute } from '../../contracts/http-api';
import type { ValidationIssue } from '../../contracts/http-problem';
import type { Principal } from './auth';
import { authorize } from './auth';
import { ValidationError } from './errors';

type Parsed<R, K extends 'params' | 'query' | 'headers' | 'body'> = R extends {
  [P in K]: infer S extends z.ZodType;
}
  ? z.output<S>
  : undefined;

export interface RouteInput<R extends HttpRoute> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  headers: Parsed<R, 'headers'>;
  body: Parsed<R, 'body'>;
  /** The caller; always present on routes with roles. */
  principal: R extends { roles: readonly unknown[] } ? Principal : Principal | undefined;
  req: Request;
  res: Response;
}

export type RouteReply<R extends HttpRoute> = {
  [S in keyof R['responses'] & number]: R['responses'][S] extends z.ZodType
    ? { status: S; body: z.input<R['responses'][S]>; headers?: Record<string, string> }
    : never;
}[keyof R['responses'] & number];

export type RouteHandler<R extends HttpRoute> = (input: RouteInput<R>) => Promise<RouteReply<R>>;

/** `/v1/orders/{orderId}` → `/v1/orders/:orderId`. */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

function parsePart(
  location: 'params' | 'query' | 'headers' | 'body',
  schema: z.ZodType | undefined,
  value: unknown,
  issues: ValidationIssue[],
): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  issues.push(...validationIssues(location, result.error));
  return undefined;
}

/** zod's issues as the API reports them: `params.orderId`, `body.lines.0.sku` … */
export function validationIssues(
  location: 'params' | 'query' | 'headers' | 'body',
  error: z.ZodError,
): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

export interface MountOptions {
  /** Check each response against the contract (outside production: it costs a parse per response). */
  checkResponses: boolean;
}

export function mount<R extends HttpRoute>(
  router: Router,
  route: R,
  handler: RouteHandler<R>,
  options: MountOptions,
): void {
  router[route.method](expressPath(route.path), async (req, res) => {
    const principal = route.roles
      ? authorize(res.locals.principal, res.locals.authFailure, route.roles)
      : res.locals.principal;
    const issues: ValidationIssue[] = [];
    const input = {
      params: parsePart('params', route.params, req.params, issues),
      query: parsePart('query', route.query, req.query, issues),
      headers: parsePart('headers', route.headers, req.headers, issues),
      body: parsePart('body', route.body, req.body, issues),
      principal,
      req,
      res,
    } as RouteInput<R>;
    if (issues.length > 0) throw new ValidationError(issues);

    const reply = await handler(input);
    const schema = route.responses[reply.status];
    if (options.checkResponses && schema && typeof schema !== 'string') {
      const checked = schema.safeParse(reply.body);
      if (!checked.success) {
        throw new Error(
          `response ${reply.status} of ${route.method} ${route.path} breaks its contract: ${checked.error.message}`,
        );
      }
    }
    res
      .status(reply.status)
      .set(reply.headers ?? {})
      .json(reply.body);
  });
}
