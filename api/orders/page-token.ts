/**
 * Page tokens of the order listing: Temporal's own token, sealed with an HMAC before it leaves the API.
 * Temporal's visibility store does not check a token it did not issue — a made-up one kept the local
 * server busy for 18 s before it failed — so a token whose seal does not match is refused with a 400 at
 * once and never reaches Temporal. The key is derived from the API key secrets, so every API process with
 * the same configuration accepts the tokens of the others; rotating the keys ends open listings (clients
 * start again from the first page).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const TAG_BYTES = 16;

export function pageTokenKey(secrets: readonly string[]): Buffer {
  const hash = createHash('sha256').update('fusioncommerce/page-token');
  for (const secret of [...secrets].sort()) hash.update('\0').update(secret);
  return hash.digest();
}

function tag(key: Buffer, raw: Uint8Array): Buffer {
  return createHmac('sha256', key).update(raw).digest().subarray(0, TAG_BYTES);
}

/** The token a client gets: base64url of the seal followed by Temporal's token. */
export function sealPageToken(key: Buffer, raw: Uint8Array): string {
  return Buffer.concat([tag(key, raw), raw]).toString('base64url');
}

/** Temporal's token inside a sealed one, or undefined when the token was not issued by this API. */
export function openPageToken(key: Buffer, token: string): Buffer | undefined {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length <= TAG_BYTES) return undefined;
  const raw = bytes.subarray(TAG_BYTES);
  return timingSafeEqual(bytes.subarray(0, TAG_BYTES), tag(key, raw)) ? raw : undefined;
}
