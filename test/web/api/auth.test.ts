import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Sql } from '../../../src/db/client.ts';
import { createLinkStore } from '../../../src/links/link-store.ts';
import { apiKeyMatches } from '../../../src/web/api/api-key.ts';
import { createApiApp } from '../../../src/web/api/index.ts';
import { silentLogger, testSql } from '../../support/fixtures.ts';
import { explainParts, TEST_API_KEY } from './api-client.ts';

describe('API key check', () => {
  it('accepts only the exact key, whatever the lengths', () => {
    expect(apiKeyMatches('secret-key', 'secret-key')).toBe(true);
    expect(apiKeyMatches('secret-key', 'secret-kez')).toBe(false);
    expect(apiKeyMatches('secret-key', 'secret-key-and-more')).toBe(false);
    expect(apiKeyMatches('secret-key', '')).toBe(false);
  });
});

describe('/api/v1 authentication', () => {
  let sql: Sql;
  let app: ReturnType<typeof createApiApp>;

  beforeAll(() => {
    sql = testSql();
    app = createApiApp({ linkStore: createLinkStore(createDb(sql)), apiKey: TEST_API_KEY, logger: silentLogger, ...explainParts });
  });
  afterAll(() => sql.end());

  const get = (path: string, authorization?: string) =>
    app.request(path, { headers: authorization === undefined ? {} : { authorization } });

  it('answers 401 with a JSON error and a Bearer challenge without an Authorization header', async () => {
    const res = await get('/links');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.json()).toEqual({ error: 'unauthorized', message: expect.stringMatching(/Authorization: Bearer/) });
  });

  it.each([
    ['a wrong key', `Bearer wrong-${TEST_API_KEY}`],
    ['a prefix of the key', `Bearer ${TEST_API_KEY.slice(0, 10)}`],
    ['the key as Basic auth', `Basic ${Buffer.from(`x:${TEST_API_KEY}`).toString('base64')}`],
    ['the key without a scheme', TEST_API_KEY],
  ])('answers 401 to %s', async (_name, header) => {
    const res = await get('/links', header);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('unauthorized');
  });

  it('guards every links route, not only the list', async () => {
    for (const [method, path] of [['POST', '/links'], ['GET', '/links/1'], ['PATCH', '/links/1'], ['DELETE', '/links/1']] as const) {
      const res = await app.request(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' || method === 'PATCH' ? '{}' : undefined });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it('lets the right key in, with any case of "Bearer"', async () => {
    expect((await get('/links', `Bearer ${TEST_API_KEY}`)).status).toBe(200);
    expect((await get('/links', `bearer ${TEST_API_KEY}`)).status).toBe(200);
  });

  it('serves the OpenAPI document and the reference page without a key', async () => {
    expect((await get('/openapi.json')).status).toBe(200);
    expect((await get('/docs')).status).toBe(200);
  });

  it('answers 503 saying API_KEY is not set when the server has no key', async () => {
    const keyless = createApiApp({ linkStore: createLinkStore(createDb(sql)), apiKey: undefined, logger: silentLogger, ...explainParts });
    const res = await keyless.request('/links', { headers: { authorization: 'Bearer anything' } });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'api_key_not_set', message: expect.stringMatching(/API_KEY is not set/) });
  });
});
