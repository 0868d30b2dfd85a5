import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Compares in constant time. Hashing first makes both sides the same length, so neither
 * the comparison nor an early length check tells an attacker how long the key is.
 */
export function apiKeyMatches(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented));
}

export const API_KEY_NOT_SET = 'API_KEY is not set on this server: set it to use the admin API and the admin UI';

/** `Authorization: Bearer <API_KEY>` or a 401 JSON error (a 503 when no key is configured). */
export function requireApiKey(apiKey: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!apiKey) return c.json({ error: 'api_key_not_set', message: API_KEY_NOT_SET }, 503);
    const match = /^Bearer +(\S+) *$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1] || !apiKeyMatches(apiKey, match[1])) {
      c.header('www-authenticate', 'Bearer realm="api"');
      const message = match ? 'the API key is not valid' : 'send the API key as "Authorization: Bearer <API_KEY>"';
      return c.json({ error: 'unauthorized', message }, 401);
    }
    await next();
  };
}
