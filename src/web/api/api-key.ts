import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from '../../shared/logger.ts';
import { createAuthThrottle, type AuthThrottle } from '../auth-throttle.ts';
import { clientNetwork } from '../visitor/client-ip.ts';
import { requestIp } from '../visitor/visitor-address.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Compares in constant time. Hashing first makes both sides the same length, so neither
 * the comparison nor an early length check tells an attacker how long the key is.
 */
export function apiKeyMatches(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented));
}

export const API_KEY_NOT_SET = 'API_KEY is not set on this server: set it to use the admin API and the admin UI';

/** What the API and the admin sign-in share: one allowance of wrong keys per address. */
export interface KeyGuardDeps {
  logger: Logger;
  authThrottle?: AuthThrottle | undefined;
  trustProxy?: number | undefined;
}

export type KeyVerdict = { kind: 'ok' } | { kind: 'wrong' } | { kind: 'throttled'; retryAfterSeconds: number };

export type KeyGuard = (c: Context, presented: string) => KeyVerdict;

/**
 * Checks a presented key against the throttle first: an address that used up its allowance
 * is refused without a comparison, so it learns nothing even when it guesses right.
 */
export function createKeyGuard(apiKey: string, deps: KeyGuardDeps): KeyGuard {
  const throttle = deps.authThrottle ?? createAuthThrottle();
  return (c, presented) => {
    const ip = clientNetwork(requestIp(c, deps.trustProxy ?? 0));
    const retryAfterSeconds = throttle.retryAfterSeconds(ip);
    if (retryAfterSeconds > 0) return { kind: 'throttled', retryAfterSeconds };
    if (apiKeyMatches(apiKey, presented)) {
      throttle.succeeded(ip);
      return { kind: 'ok' };
    }
    if (throttle.failed(ip)) deps.logger.warn({ client: ip }, 'too many wrong API keys from one address; refusing it for a while');
    return { kind: 'wrong' };
  };
}

const TOO_MANY_ATTEMPTS = 'too many wrong API keys from this address; try again later';

/** `Authorization: Bearer <API_KEY>` or a 401 JSON error (a 503 when no key is configured). */
export function requireApiKey(apiKey: string | undefined, deps: KeyGuardDeps): MiddlewareHandler {
  const guard = apiKey ? createKeyGuard(apiKey, deps) : undefined;
  return async (c, next) => {
    if (!guard) return c.json({ error: 'api_key_not_set', message: API_KEY_NOT_SET }, 503);
    const match = /^Bearer +(\S+) *$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) {
      c.header('www-authenticate', 'Bearer realm="api"');
      return c.json({ error: 'unauthorized', message: 'send the API key as "Authorization: Bearer <API_KEY>"' }, 401);
    }
    const verdict = guard(c, match[1]);
    if (verdict.kind === 'throttled') {
      c.header('retry-after', String(verdict.retryAfterSeconds));
      return c.json({ error: 'too_many_attempts', message: TOO_MANY_ATTEMPTS }, 429);
    }
    if (verdict.kind === 'wrong') {
      c.header('www-authenticate', 'Bearer realm="api"');
      return c.json({ error: 'unauthorized', message: 'the API key is not valid' }, 401);
    }
    await next();
  };
}
