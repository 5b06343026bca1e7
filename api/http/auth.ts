/**
 * API keys with roles. Keys are compared in constant time on equal-length SHA-256 digests, against every
 * configured key (no early exit), so neither the timing nor the length of a guess reveals anything.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiRole } from '../../contracts/http-auth';
import { API_KEY_HEADER } from '../../contracts/http-auth';
import type { ApiKey } from '../../platform/config';
import { ForbiddenError, UnauthenticatedError } from './errors';

/** Who is calling: the name and role of the matching API key (the secret never leaves this file). */
export interface Principal {
  name: string;
  role: ApiRole;
}

declare module 'express-serve-static-core' {
  interface Locals {
    principal?: Principal;
    /** Why no principal was found: no key sent, or a key matching none. */
    authFailure?: 'missing' | 'unknown';
  }
}

const digest = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

export interface Keyring {
  identify(presented: string): Principal | undefined;
}

export function createKeyring(keys: readonly ApiKey[]): Keyring {
  const entries = keys.map((k) => ({ name: k.name, role: k.role, digest: digest(k.secret) }));
  return {
    identify(presented) {
      const candidate = digest(presented);
      let match: Principal | undefined;
      for (const entry of entries) {
        if (timingSafeEqual(candidate, entry.digest) && !match)
          match = { name: entry.name, role: entry.role };
      }
      return match;
    },
  };
}

function presentedKey(header: string | undefined, authorization: string | undefined): string | undefined {
  if (header) return header;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return bearer?.[1];
}

/** Identifies the caller on every request; routes decide with `authorize` whether that is enough. */
export function authenticate(keyring: Keyring): RequestHandler {
  return (req, res, next) => {
    const key = presentedKey(req.get(API_KEY_HEADER), req.get('authorization'));
    if (!key) {
      res.locals.authFailure = 'missing';
    } else {
      const principal = keyring.identify(key);
      if (principal) res.locals.principal = principal;
      else res.locals.authFailure = 'unknown';
    }
    next();
  };
}

/** 401 without a valid key, 403 when the key's role is not among `roles`. */
export function authorize(
  principal: Principal | undefined,
  failure: 'missing' | 'unknown' | undefined,
  roles: readonly ApiRole[],
): Principal {
  if (!principal) throw new UnauthenticatedError(failure ?? 'missing');
  if (!roles.includes(principal.role)) throw new ForbiddenError(principal.name, roles);
  return principal;
}
