import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';

export const SESSION_COOKIE = 'clicktrack_admin';
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
const COOKIE_PATH = '/admin';

export interface AdminSessions {
  /** Starts a session for someone who just typed the right API key. */
  start(c: Context, secure: boolean): Promise<void>;
  /** The session's CSRF token, or null when the request carries no valid session. */
  current(c: Context): Promise<{ csrfToken: string } | null>;
  end(c: Context): void;
  csrfTokenMatches(expected: string, presented: string): boolean;
}

/**
 * Sessions live only in a signed cookie: `<issued at>.<random id>`, never the key itself.
 * The signing secret is derived from the API key, so rotating the key signs everyone out,
 * and each process can check any other's sessions without shared state.
 */
export function createAdminSessions(apiKey: string, nowMs: () => number = Date.now): AdminSessions {
  const secret = createHmac('sha256', apiKey).update('clicktrack admin session v1').digest();
  // A token per session that only this server can compute: a form from another site
  // cannot carry it, even if a browser someday sends the SameSite=Strict cookie along.
  const csrfTokenFor = (session: string) => createHmac('sha256', secret).update(`csrf:${session}`).digest('base64url');

  return {
    async start(c, secure) {
      const session = `${Math.floor(nowMs() / 1000)}.${randomBytes(16).toString('base64url')}`;
      await setSignedCookie(c, SESSION_COOKIE, session, secret, {
        path: COOKIE_PATH,
        httpOnly: true,
        sameSite: 'Strict',
        secure,
        maxAge: SESSION_TTL_SECONDS,
      });
    },
    async current(c) {
      const session = await getSignedCookie(c, secret, SESSION_COOKIE);
      if (!session) return null;
      const issuedAt = Number(session.split('.')[0]);
      // The cookie's Max-Age is only advice to the browser; the server enforces the expiry.
      const age = nowMs() / 1000 - issuedAt;
      if (!Number.isFinite(issuedAt) || age < 0 || age > SESSION_TTL_SECONDS) return null;
      return { csrfToken: csrfTokenFor(session) };
    },
    end(c) {
      deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH });
    },
    csrfTokenMatches(expected, presented) {
      const a = Buffer.from(expected);
      const b = Buffer.from(presented);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
