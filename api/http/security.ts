/** Security headers, and the body rules: JSON only, and no larger than the configured limit. */
import express from 'express';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { UnsupportedMediaTypeError } from './errors';

const jsonTypes = ['application/json', 'application/*+json'];

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        // The docs page loads Swagger UI from this server only; nothing comes from a CDN.
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        // Local and private deployments serve plain HTTP; forcing https sub-requests would break the docs page.
        'upgrade-insecure-requests': null,
      },
    },
  });
}

/** 415 for a body that is not JSON (a request without a body passes; its validation says what is missing). */
export function requireJsonBody(): RequestHandler {
  return (req, _res, next) => {
    if (req.is(jsonTypes) === false) next(new UnsupportedMediaTypeError(req.get('content-type')));
    else next();
  };
}

export function jsonBody(limit: string): RequestHandler {
  return express.json({ limit, type: jsonTypes, strict: true });
}
