import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createMemorySessionStore } from '../../../src/web/admin/session-store.ts';
import { createAdminSessions, SESSION_TTL_SECONDS } from '../../../src/web/admin/session.ts';

/** A tiny app around the sessions, with a clock the test moves. */
function harness(apiKey = 'key-one') {
  let now = Date.parse('2026-03-01T10:00:00Z');
  const sessions = createAdminSessions(apiKey, () => now);
  const app = new Hono()
    .post('/admin/start', async (c) => {
      await sessions.start(c, false);
      return c.body(null, 204);
    })
    .get('/admin/check', async (c) => c.json(await sessions.current(c)));
  return {
    app,
    advance: (ms: number) => (now += ms),
    async start() {
      const res = await app.request('/admin/start', { method: 'POST' });
      return res.headers.get('set-cookie')!.split(';')[0]!;
    },
    check: async (cookie: string): Promise<{ csrfToken: string } | null> => (await app.request('/admin/check', { headers: { cookie } })).json() as never,
  };
}

describe('admin sessions', () => {
  it('gives each session its own CSRF token', async () => {
    const h = harness();
    const one = await h.check(await h.start());
    const two = await h.check(await h.start());
    expect(one?.csrfToken).toEqual(expect.any(String));
    expect(one?.csrfToken).not.toBe(two?.csrfToken);
  });

  it(`ends a session after ${SESSION_TTL_SECONDS / 3600} hours whatever the browser keeps`, async () => {
    const h = harness();
    const cookie = await h.start();
    h.advance(SESSION_TTL_SECONDS * 1000 - 1_000);
    expect(await h.check(cookie)).not.toBeNull();
    h.advance(2_000);
    expect(await h.check(cookie)).toBeNull();
  });

  it('signs everyone out when the API key changes', async () => {
    const before = harness('old-key');
    const cookie = await before.start();
    const after = harness('new-key');
    expect(await after.check(cookie)).toBeNull();
  });

  it('ends a session on the server, for every process sharing the store', async () => {
    const store = createMemorySessionStore();
    const one = createAdminSessions('k', Date.now, store);
    const two = createAdminSessions('k', Date.now, store);
    const app = (sessions: typeof one) =>
      new Hono()
        .post('/admin/start', async (c) => {
          await sessions.start(c, false);
          return c.body(null, 204);
        })
        .post('/admin/end', async (c) => {
          await sessions.end(c);
          return c.body(null, 204);
        })
        .get('/admin/check', async (c) => c.json(await sessions.current(c)));
    const cookie = (await app(one).request('/admin/start', { method: 'POST' })).headers.get('set-cookie')!.split(';')[0]!;
    const check = async (sessions: typeof one) => (await app(sessions).request('/admin/check', { headers: { cookie } })).json();
    expect(await check(two)).not.toBeNull();
    await app(one).request('/admin/end', { method: 'POST', headers: { cookie } });
    expect(await check(one)).toBeNull();
    expect(await check(two)).toBeNull();
  });

  it('compares CSRF tokens exactly', () => {
    const sessions = createAdminSessions('k');
    expect(sessions.csrfTokenMatches('abc', 'abc')).toBe(true);
    expect(sessions.csrfTokenMatches('abc', 'abd')).toBe(false);
    expect(sessions.csrfTokenMatches('abc', 'ab')).toBe(false);
  });
});
