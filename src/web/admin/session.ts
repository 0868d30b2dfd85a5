import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { createMemorySessionStore, type SessionStore } from './session-store.ts';

export const SESSION_COOKIE = 'clicktrack_admin';
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
const COOKIE_PATH = '/admin';

export interface AdminSessions {
  /** Starts a session for someone who just typed the right API key. */
  start(c: Context, secure: boolean): Promise<void>;
  /** The session's CSRF token, or null when the request carries no valid session. */
  current(c: Context): Promise<{ csrfToken: string } | null>;
  /** Ends the session on the server too: its cookie and CSRF token stop working. */
  end(c: Context): Promise<void>;
  csrfTokenMatches(expected: string, presented: string): boolean;
}

/**
 * The cookie holds a signed `<issued at>.<random id>`, never the key itself; the id names
 * a row of the session store, which sign-out deletes. The signing secret is derived from
 * the API key, so rotating the key signs everyone out.
 */
export function createAdminSessions(apiKey: string, nowMs: () => number = Date.now, store: SessionStore = createMemorySessionStore()): AdminSessions {
  const secret = createHmac('sha256', apiKey).update('clicktrack admin session v1').digest();
  // A token per session that only this server can compute: a form from another site
  // cannot carry it, even if a browser someday sends the SameSite=Strict cookie along.
  const csrfTokenFor = (session: string) => createHmac('sha256', secret).update(`csrf:${session}`).digest('base64url');

  return {
    async start(c, secure) {
      const id = randomBytes(16).toString('base64url');
      const session = `${Math.floor(nowMs() / 1000)}.${id}`;
      await store.add(id, new Date(nowMs() + SESSION_TTL_SECONDS * 1000));
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
      if (!(await store.has(sessionId(session), new Date(nowMs())))) return null;
      return { csrfToken: csrfTokenFor(session) };
    },
    async end(c) {
      const session = await getSignedCookie(c, secret, SESSION_COOKIE);
      if (session) await store.remove(sessionId(session));
      deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH });
    },
    csrfTokenMatches(expected, presented) {
      const a = Buffer.from(expected);
      const b = Buffer.from(presented);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}

const sessionId = (session: string) => session.slice(session.indexOf('.') + 1);
