import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Sql } from '../../../src/db/client.ts';
import { createLinkStore } from '../../../src/links/link-store.ts';
import { createApiApp } from '../../../src/web/api/index.ts';
import { silentLogger, testSql } from '../../support/fixtures.ts';
import { explainParts } from './api-client.ts';

describe('/api/v1/openapi.json', () => {
  let sql: Sql;
  let doc: any;
  let app: ReturnType<typeof createApiApp>;

  beforeAll(async () => {
    sql = testSql();
    app = createApiApp({ linkStore: createLinkStore(createDb(sql)), apiKey: 'k', logger: silentLogger, ...explainParts });
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    doc = await res.json();
  });
  afterAll(() => sql.end());

  it('is an OpenAPI 3.1 document of every links operation, served under /api/v1', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(Object.keys(doc.paths['/links']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/links/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
  });

  it('declares bearer authentication on the operations', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/links'].post.security).toEqual([{ bearerAuth: [] }]);
  });

  it('describes the link, its create and update bodies from the validating schemas', () => {
    const { Link, CreateLink, UpdateLink } = doc.components.schemas;
    expect(Object.keys(Link.properties)).toEqual(
      expect.arrayContaining(['id', 'slug', 'campaign', 'adgroup', 'ad', 'network', 'targets', 'attribution_window_idfa', 'attribution_window_fingerprint', 'created_at', 'updated_at']),
    );
    expect(CreateLink.required).toEqual(['targets']);
    expect(CreateLink.additionalProperties).toBe(false);
    expect(CreateLink.properties.slug.pattern).toBe('^[A-Za-z0-9_-]{1,64}$');
    expect(CreateLink.properties.campaign).toMatchObject({ maxLength: 256 });
    expect(CreateLink.properties.attribution_window_idfa).toMatchObject({ type: 'integer', minimum: 0 });
    expect(UpdateLink.properties).not.toHaveProperty('slug');
    const responses = doc.paths['/links'].post.responses;
    expect(Object.keys(responses).sort()).toEqual(['201', '400', '401', '409', '415', '429', '503']);
  });

  it('lists the 429 of the key throttle on every operation and the 415 of a body that is not JSON', () => {
    for (const [path, operations] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        expect(operation.responses['429'], `${method} ${path}`).toBeDefined();
        expect(operation.responses['429'].headers['Retry-After']).toBeDefined();
        expect(Boolean(operation.responses['415']), `${method} ${path}`).toBe(Boolean(operation.requestBody));
      }
    }
  });

  it('has a reference page that loads the document', async () => {
    const res = await app.request('/docs');
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('openapi.json');
  });
});
