/**
 * Answers 405 Method Not Allowed, with the Allow header, for a method a documented path does not answer
 * (RFC 9110 §15.5.6), before any key or body check: a request the API can never serve gets the same
 * answer from everyone, at once. Paths the contract does not name fall through to the 404 handler.
 */
import type { RequestHandler } from 'express';
import { MethodNotAllowedError } from './errors';

interface DocumentedRoute {
  method: string;
  path: string;
}

/** `/v1/orders/{orderId}` → a pattern matching one path segment per parameter. */
function pathPattern(openApiPath: string): RegExp {
  const escaped = openApiPath
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}$`);
}

export function methodGuard(routes: readonly DocumentedRoute[]): RequestHandler {
  const byPath = new Map<string, Set<string>>();
  for (const route of routes) {
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method.toUpperCase());
    // Express answers HEAD wherever it answers GET.
    if (route.method.toLowerCase() === 'get') methods.add('HEAD');
    byPath.set(route.path, methods);
  }
  const table = [...byPath].map(([path, methods]) => ({ pattern: pathPattern(path), allowed: [...methods] }));

  return (req, _res, next) => {
    const entry = table.find(({ pattern }) => pattern.test(req.path));
    if (!entry || entry.allowed.includes(req.method)) {
      next();
      return;
    }
    next(new MethodNotAllowedError(req.method, req.path, entry.allowed));
  };
}
