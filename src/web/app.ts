import { Hono } from 'hono';
import type { Database } from '../db/client.ts';
import type { LinkStore } from '../links/link-store.ts';
import type { ExplainDeps } from '../links/rules/explain-link.ts';
import type { Logger } from '../shared/logger.ts';
import type { SessionStore } from './admin/session-store.ts';
import { createAuthThrottle, type AuthThrottle } from './auth-throttle.ts';
import type { WebMetrics } from './metrics.ts';
import { createClickRoute, type ClickRouteDeps } from './routes/click.ts';
import { createHealthRoute, type ProbeGroup } from './routes/health.ts';
import { createImpressionRoute } from './routes/impression.ts';
import { lazyRoute } from './lazy-route.ts';
import { createIngestRoutes, type IngestRouteDeps } from './ingest/ingest-routes.ts';
import type { WriteKeyStore } from '../write-keys/write-key-store.ts';
import { createMetricsRoute } from './routes/metrics.ts';
import { createStaticRoute } from './routes/static.ts';

export interface AppDeps extends Omit<ClickRouteDeps, 'metrics'> {
  metrics: WebMetrics;
  readiness: ProbeGroup[];
  logger: Logger;
  /** Links for the admin API and UI; the click path reads through `links` (the cache). */
  linkStore: LinkStore;
  /** Unset: `/api/v1/links` and `/admin` answer 503 saying so. */
  apiKey: string | undefined;
  /** Origin for the tracking URLs the admin UI shows; else taken from the request. */
  publicUrl?: string | undefined;
  authThrottle?: AuthThrottle | undefined;
  adminSessionStore?: SessionStore | undefined;
  /** Set: `/metrics` answers only this bearer token; unset: it is public. */
  metricsToken?: string | undefined;
  /** Where the statistics are read (API, admin UI); unset: they are not shown. */
  statsDb?: Database | undefined;
  /** Event ingestion (`/v1/*`) and its write keys; unset: neither is served. */
  ingest?: (Pick<IngestRouteDeps, 'writeKeys' | 'dedupe' | 'rateLimit' | 'newMessageId'> & { writeKeyStore: WriteKeyStore }) | undefined;
}

/** Explain runs the click path's own parts: the same platform detector, GeoIP and variant key. */
function explainDeps(deps: AppDeps): ExplainDeps {
  const { countries, deviceType, visitorHash } = deps.linkRules;
  return {
    visitorHash,
    deviceType,
    detectPlatform: (ua) => deps.detectPlatform(ua),
    countryOf: async (ip) => {
      await countries.open();
      return countries.country(ip) ?? null;
    },
  };
}

/** Builds the web app without opening a port, so tests drive it with `app.request()`. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  // One allowance of wrong keys per address, whether guessed through the API or the form.
  const writeKeys = deps.ingest && { writeKeyStore: deps.ingest.writeKeyStore, onWriteKeyRevoked: () => deps.ingest?.writeKeys.forget() };
  const guarded = { ...deps, ...writeKeys, authThrottle: deps.authThrottle ?? createAuthThrottle(), explain: explainDeps(deps) };
  app.route('/', createClickRoute(deps));
  const finish = (sub: Hono): Hono => {
    sub.notFound((c) => c.json({ error: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }, 404));
    sub.onError((err, c) => {
      deps.logger.error({ err, path: c.req.path }, 'unhandled error');
      return c.json({ error: 'internal', message: 'internal error' }, 500);
    });
    return sub;
  };
  lazyRoute(app, '/api/v1', async () => (await import('./api/index.ts')).createApiApp(guarded), finish);
  lazyRoute(app, '/admin', async () => (await import('./admin/index.ts')).createAdminApp(guarded), finish);
  app.route('/', createImpressionRoute({ ...deps, newImpressionId: deps.newClickId }));
  if (deps.ingest) app.route('/', createIngestRoutes({ ...deps, ...deps.ingest, onEvents: deps.metrics.eventsIngested }));
  app.route('/', createHealthRoute({ groups: deps.readiness }));
  app.route('/', createStaticRoute());
  app.route('/', createMetricsRoute(deps.metrics.registry, deps.metricsToken));
  return finish(app);
}
