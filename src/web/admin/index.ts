import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Database } from '../../db/client.ts';
import type { LinkStore } from '../../links/link-store.ts';
import type { Logger } from '../../shared/logger.ts';
import { API_KEY_NOT_SET, createKeyGuard, type KeyGuardDeps } from '../api/api-key.ts';
import type { AdminEnv } from './admin-env.ts';
import { createLinkPages } from './link-pages.ts';
import type { ExplainDeps } from '../../links/rules/explain-link.ts';
import { createRulesPages } from './rules/rules-pages.ts';
import { publicOrigin, type OriginSettings } from './origin.ts';
import { createAdminSessions } from './session.ts';
import type { SessionStore } from './session-store.ts';
import { createAdminStats, createStatsPages } from './stats-pages.ts';
import type { WriteKeyStore } from '../../write-keys/write-key-store.ts';
import { createWriteKeyPages } from './write-key-pages.ts';
import { messagePage } from './views/layout.ts';
import { loginPage } from './views/login.ts';

export interface AdminDeps extends OriginSettings, Omit<KeyGuardDeps, 'trustProxy'> {
  linkStore: LinkStore;
  apiKey: string | undefined;
  logger: Logger;
  /** Where sessions live; the web runtime passes the database's. Default: this process's memory. */
  adminSessionStore?: SessionStore | undefined;
  /** Where the statistics are read; unset: pages show no counts. */
  statsDb?: Database | undefined;
  explain: ExplainDeps;
  nowMs: () => number;
  /** Write keys for event ingestion; unset: no write keys page. */
  writeKeyStore?: WriteKeyStore | undefined;
  onWriteKeyRevoked?: (() => void) | undefined;
}

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
const ASSETS = {
  'admin.css': { body: asset('admin.css'), type: 'text/css; charset=utf-8' },
  'admin.js': { body: asset('admin.js'), type: 'text/javascript; charset=utf-8' },
  'stats.css': { body: asset('stats.css'), type: 'text/css; charset=utf-8' },
  'stats.js': { body: asset('stats.js'), type: 'text/javascript; charset=utf-8' },
};

// Nothing inline: the copy button and delete confirmation live in /admin/assets/admin.js,
// the QR code is an SVG element, so a stored value can never run as script here.
const adminHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  },
  referrerPolicy: 'same-origin',
});

/** `/admin`: the marketers' UI, signed in with the API key, server-rendered. */
export function createAdminApp(deps: AdminDeps): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    // The CSRF middleware refuses a cross-site form by throwing a 403.
    if (err instanceof HTTPException && err.status === 403) {
      return c.html(messagePage('Forbidden', 'This form was sent from another site, so it was refused.'), 403);
    }
    deps.logger.error({ err, path: c.req.path }, 'admin page failed');
    return c.html(messagePage('Something went wrong', 'The page could not be shown. Try again in a moment.'), 500);
  });
  app.use('*', adminHeaders, async (c, next) => {
    // Pages show campaign data: never keep them in a shared or back-button cache.
    c.header('cache-control', 'no-store');
    await next();
  });
  app.get('/assets/:name', (c) => {
    const file = ASSETS[c.req.param('name') as keyof typeof ASSETS];
    if (!file) return c.notFound();
    return c.body(file.body, 200, { 'content-type': file.type, 'cache-control': 'public, max-age=300' });
  });

  const apiKey = deps.apiKey;
  if (!apiKey) {
    app.all('*', (c) => c.html(messagePage('Admin is not available', API_KEY_NOT_SET), 503));
    return app;
  }
  const sessions = createAdminSessions(apiKey, Date.now, deps.adminSessionStore);
  const guard = createKeyGuard(apiKey, deps);
  const isHttps = (c: Context) => publicOrigin(c, deps).startsWith('https:');

  // Forms must come from our own pages: browsers send Sec-Fetch-Site or Origin with a
  // POST, and the origin may be the public one when a proxy terminates TLS.
  app.use(
    '*',
    csrf({ origin: (origin, c) => origin === publicOrigin(c, deps) || origin === new URL(c.req.url).origin }),
  );

  app.get('/login', async (c) => ((await sessions.current(c)) ? c.redirect('/admin/links', 303) : c.html(loginPage())));
  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const presented = typeof body.api_key === 'string' ? body.api_key.trim() : '';
    const verdict = guard(c, presented);
    if (verdict.kind === 'throttled') {
      c.header('retry-after', String(verdict.retryAfterSeconds));
      return c.html(loginPage(`Too many wrong keys were tried from this address. Try again in ${Math.ceil(verdict.retryAfterSeconds / 60)} min.`), 429);
    }
    if (verdict.kind === 'wrong') return c.html(loginPage('That is not the API key of this server.'), 401);
    await sessions.start(c, isHttps(c));
    return c.redirect('/admin/links', 303);
  });

  const signedIn = new Hono<AdminEnv>();
  signedIn.use('*', async (c, next) => {
    const session = await sessions.current(c);
    if (!session) return c.redirect('/admin/login', 303);
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody();
      const token = typeof body._csrf === 'string' ? body._csrf : '';
      if (!sessions.csrfTokenMatches(session.csrfToken, token)) {
        return c.html(messagePage('Form expired', 'This form has expired. Go back, reload the page and try again.'), 403);
      }
    }
    c.set('csrfToken', session.csrfToken);
    await next();
  });
  signedIn.get('/', (c) => c.redirect('/admin/links', 303));
  signedIn.post('/logout', async (c) => {
    await sessions.end(c);
    return c.redirect('/admin/login', 303);
  });
  const stats = deps.statsDb ? createAdminStats(deps.statsDb) : undefined;
  if (deps.statsDb) signedIn.route('/', createStatsPages({ db: deps.statsDb, store: deps.linkStore }));
  signedIn.route('/links', createRulesPages({ store: deps.linkStore, explain: deps.explain, nowMs: deps.nowMs }));
  signedIn.route('/links', createLinkPages({ store: deps.linkStore, origin: (c) => publicOrigin(c, deps), stats }));
  if (deps.writeKeyStore) signedIn.route('/write-keys', createWriteKeyPages({ store: deps.writeKeyStore, onRevoked: deps.onWriteKeyRevoked ?? (() => {}) }));
  app.route('/', signedIn);
  return app;
}
