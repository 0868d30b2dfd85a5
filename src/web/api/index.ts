import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import type { LinkStore } from '../../links/link-store.ts';
import type { Logger } from '../../shared/logger.ts';
import { requireApiKey, type KeyGuardDeps } from './api-key.ts';
import { createDocsRoute } from './docs/docs-route.ts';
import { apiErrorHandler } from './api-error-handler.ts';
import type { ExplainDeps } from '../../links/rules/explain-link.ts';
import { createExplainRoutes } from './explain-route.ts';
import { createLinkRoutes } from './link-routes.ts';
import type { Database } from '../../db/client.ts';
import { createStatsRoutes } from './stats-routes.ts';
import type { WriteKeyStore } from '../../write-keys/write-key-store.ts';
import { createWriteKeyRoutes } from './write-key-routes.ts';

export interface ApiDeps extends KeyGuardDeps {
  linkStore: LinkStore;
  apiKey: string | undefined;
  logger: Logger;
  /** Where the statistics are read; unset: no `/stats` route. */
  statsDb?: Database | undefined;
  explain: ExplainDeps;
  nowMs: () => number;
  /** Write keys for event ingestion; unset: no `/write-keys` routes. */
  writeKeyStore?: WriteKeyStore | undefined;
  /** Called after a revoke, so the event path stops taking the key at once. */
  onWriteKeyRevoked?: (() => void) | undefined;
}

export const API_BASE_PATH = '/api/v1';

/** `/api/v1`: the links API behind the API key; its OpenAPI document and reference page are public. */
export function createApiApp(deps: ApiDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  // Error answers and log lines carry the same id, so a user's report finds its log line.
  app.use('*', requestId());
  const auth = requireApiKey(deps.apiKey, deps);
  app.use('/links', auth);
  app.use('/links/*', auth);
  app.route('/', createLinkRoutes(deps.linkStore));
  if (deps.statsDb) {
    app.use('/stats', auth);
    app.route('/', createStatsRoutes({ db: deps.statsDb, linkStore: deps.linkStore }));
  }
  app.route('/', createExplainRoutes(deps.linkStore, deps.explain, deps.nowMs));
  if (deps.writeKeyStore) {
    // Only API_KEY manages write keys; a write key itself is refused here like any wrong key.
    app.use('/write-keys', auth);
    app.use('/write-keys/*', auth);
    app.route('/', createWriteKeyRoutes(deps.writeKeyStore, deps.onWriteKeyRevoked));
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'The `API_KEY` setting of the server',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Campaign links API',
      version: '1',
      description: 'Create and manage the campaign links behind `/t/click/{slug}`. Every change reaches every web process within a second.',
    },
    servers: [{ url: API_BASE_PATH }],
  });
  // Relative URLs on the page, so it works wherever the app is mounted or proxied.
  app.route('/', createDocsRoute());

  app.onError(apiErrorHandler(deps.logger));
  return app;
}
