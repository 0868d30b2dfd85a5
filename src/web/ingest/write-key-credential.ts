import type { Context } from 'hono';

/**
 * The write key a request presents: HTTP Basic with the key as the user name and no
 * password (`key:`, what the common analytics SDKs send), else the body's `writeKey`
 * (for `navigator.sendBeacon`, which cannot set headers).
 */
export function presentedWriteKey(c: Context, body: Record<string, unknown>): string | undefined {
  const match = /^Basic +([A-Za-z0-9+/=_-]+) *$/i.exec(c.req.header('authorization') ?? '');
  if (match?.[1]) {
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
    if (user !== '') return user;
  }
  return typeof body.writeKey === 'string' && body.writeKey !== '' ? body.writeKey : undefined;
}
