/**
 * One log line per request: method, route pattern, status, duration, key name and request id. Bodies,
 * headers and query strings are never logged, so customer data (e-mail, address) cannot reach the logs.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../platform/logger';
import { routeLabel } from './metrics';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;
const quietPaths = new Set(['/healthz', '/readyz', '/metrics']);

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const fields = {
        requestId,
        method: req.method,
        route: routeLabel(req.route as { path?: unknown } | undefined),
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        key: res.locals.principal?.name,
      };
      if (res.statusCode >= 500) logger.warn(fields, 'request failed');
      else if (quietPaths.has(req.path)) logger.debug(fields, 'request');
      else logger.info(fields, 'request');
    });
    next();
  };
}
