/**
 * Prometheus metrics: request count and latency by method, route pattern and status. The route label is
 * the pattern (`/v1/orders/:orderId`), never the raw path, so label cardinality stays bounded.
 */
import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  middleware: RequestHandler;
  handler: RequestHandler;
}

export function createHttpMetrics(): HttpMetrics {
  // One registry per app (not the global one), so several apps in one process (tests) do not collide.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency in seconds, by method, route pattern and status code.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const labels = {
        method: req.method,
        route: routeLabel(req.route as { path?: unknown } | undefined),
        status: String(res.statusCode),
      };
      requests.inc(labels);
      end(labels);
    });
    next();
  };

  const handler: RequestHandler = async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  };

  return { registry, middleware, handler };
}

/** The matched route pattern, or "unmatched" for requests no route took (404s, early errors). */
export function routeLabel(route: { path?: unknown } | undefined): string {
  return typeof route?.path === 'string' ? route.path : 'unmatched';
}
