/**
 * The one place errors become HTTP responses: typed API errors, body-parser failures and infrastructure
 * outages each map to a problem document; anything else is a 500 whose details stay in the log.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../../platform/logger';
import {
  ApiError,
  MalformedJsonError,
  PayloadTooLargeError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
} from './errors';
import { asOutage } from './outage';
import { problem, sendProblem } from './problem';

interface BodyParserError {
  type: string;
  status?: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string';
}

/** Maps errors the body parser raises to typed API errors. */
function fromBodyParser(err: BodyParserError, bodyLimit: string, contentType?: string): ApiError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new MalformedJsonError();
    case 'entity.too.large':
      return new PayloadTooLargeError(bodyLimit);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError(contentType);
    default:
      return undefined;
  }
}

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new RouteNotFoundError(req.method, req.path));
}

export function errorHandler(logger: Logger, bodyLimit: string): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known =
      err instanceof ApiError
        ? err
        : ((isBodyParserError(err)
            ? fromBodyParser(err, bodyLimit, req.headers['content-type'])
            : undefined) ?? asOutage(err));
    if (known) {
      if (known.code === 'service_unavailable') {
        logger.warn({ err, method: req.method, path: req.path }, 'dependency unavailable');
      }
      sendProblem(
        res,
        problem(known.code, known.message, {
          instance: req.originalUrl.split('?')[0],
          ...known.extensions(),
        }),
        known.headers(),
      );
      return;
    }
    // The stack and message go to the log only: a response never reveals internals.
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    sendProblem(
      res,
      problem('internal_error', 'the server failed to handle the request; it has been logged', {
        instance: req.originalUrl.split('?')[0],
      }),
    );
  };
}
