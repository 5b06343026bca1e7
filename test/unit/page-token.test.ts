import { openPageToken, pageTokenKey, sealPageToken } from '../../api/orders/page-token';

describe('sealed page tokens of the order listing', () => {
  const key = pageTokenKey(['secret-b', 'secret-a']);
  const raw = Buffer.from('{"StartTime":"2026-11-26T10:00:00Z","RunID":"r-1"}');

  it("give Temporal's token back unchanged, to any process with the same keys in any order", () => {
    const token = sealPageToken(key, raw);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(openPageToken(pageTokenKey(['secret-a', 'secret-b']), token)).toEqual(raw);
  });

  it('refuse a made-up, truncated or altered token, and one sealed with other keys', () => {
    const token = sealPageToken(key, raw);
    const altered = Buffer.from(token, 'base64url');
    altered.writeUInt8((altered.at(-1) ?? 0) ^ 1, altered.length - 1);
    expect(openPageToken(key, 'AAAA')).toBeUndefined();
    expect(openPageToken(key, 'Filtered')).toBeUndefined();
    expect(openPageToken(key, token.slice(0, 20))).toBeUndefined();
    expect(openPageToken(key, altered.toString('base64url'))).toBeUndefined();
    expect(openPageToken(pageTokenKey(['other']), token)).toBeUndefined();
  });
});
