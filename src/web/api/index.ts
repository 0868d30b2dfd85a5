import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import { HTTPException } from 'hono/http-exception';
import type { LinkStore } from '../../links/link-store.ts';
import type { Logger } from '../../shared/logger.ts';
import { requireApiKey, type KeyGuardDeps } from './api-key.ts';
import type { ExplainDeps } from '../../links/rules/explain-link.ts';
import { createExplainRoutes } from './explain-route.ts';
import { createLinkRoutes } from './link-routes.ts';

export interface ApiDeps extends KeyGuardDeps {
  linkStore: LinkStore;
  apiKey: string | undefined;
  logger: Logger;
  explain: ExplainDeps;
  nowMs: () => number;
}

export const API_BASE_PATH = '/api/v1';

/** `/api/v1`: the links API behind the API key; its OpenAPI document and reference page are public. */
export function createApiApp(deps: ApiDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  const auth = requireApiKey(deps.apiKey, deps);
  app.use('/links', auth);
  app.use('/links/*', auth);
  app.route('/', createLinkRoutes(deps.linkStore));
  app.route('/', createExplainRoutes(deps.linkStore, deps.explain, deps.nowMs));

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
  // Relative, so the page works wherever the app is mounted or proxied.
  app.get('/docs', Scalar({ url: 'openapi.json', pageTitle: 'Campaign links API' }));

  app.onError((err, c) => {
    // Malformed JSON (400) and a body that is not JSON (415) come from the validators.
    if (err instanceof HTTPException && err.status < 500) {
      return c.json({ error: err.status === 415 ? 'unsupported_media_type' : 'bad_request', message: err.message }, err.status);
    }
    deps.logger.error({ err, path: c.req.path }, 'admin API failed');
    return c.json({ error: 'internal', message: 'internal error' }, 500);
  });
  return app;
}
