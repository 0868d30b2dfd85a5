import { beforeAll, describe, expect, it } from 'vitest';
import { TARGETS, uniqueSlug } from '../../support/fixtures.ts';
import { startTestRuntime } from '../../support/web-runtime.ts';
import { adminClient, csrfTokenIn } from '../admin/admin-client.ts';
import { apiClient, TEST_API_KEY } from './api-client.ts';

// Postgres text cannot hold NUL: input carrying one must be refused before the database.
describe('NUL characters and list filters', () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ API_KEY: TEST_API_KEY });
    api = apiClient(runtime.app);
  });

  it.each(['campaign', 'adgroup', 'ad', 'network', 'country', 'device', 'user_id', 'app_store_campaign_token', 'app_store_provider_token'])(
    'answers 400 naming %s when it holds a NUL',
    async (field) => {
      const res = await api('POST', '/links', { targets: TARGETS, [field]: 'a\u0000b' });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([{ field, message: 'must not contain NUL characters' }]);
    },
  );

  it('answers 400 naming the field for NUL in a target, a campaign_url, an update and a list filter', async () => {
    const target = await api('POST', '/links', { targets: { ios: 'https://example.com/\u0000' } });
    expect([target.status, target.body.fields[0].field]).toEqual([400, 'targets.ios']);
    const campaignUrl = await api('POST', '/links', { targets: TARGETS, campaign_url: 'https://example.com/\u0000' });
    expect([campaignUrl.status, campaignUrl.body.fields[0].field]).toEqual([400, 'campaign_url']);
    const created = await api('POST', '/links', { targets: TARGETS });
    const patch = await api('PATCH', `/links/${created.body.id}`, { network: '\u0000' });
    expect([patch.status, patch.body.fields[0].field]).toEqual([400, 'network']);
    for (const param of ['campaign', 'network', 'q', 'slug']) {
      const list = await api('GET', `/links?${param}=%00`);
      expect([list.status, list.body.fields?.[0]?.field]).toEqual([400, param]);
    }
  });

  it('answers 404 for a NUL in a link reference', async () => {
    for (const [method, path] of [['GET', '/links/a%00b'], ['PATCH', '/links/%00'], ['DELETE', '/links/%00'], ['POST', '/links/%00/restore']] as const) {
      const res = await api(method, path, method === 'PATCH' ? { network: 'x' } : undefined);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });

  it('shows the field problem in the admin UI instead of failing', async () => {
    const client = adminClient(runtime.app);
    await client.signIn(TEST_API_KEY);
    const form = await client.get('/admin/links/new');
    const res = await client.post('/admin/links', { 'targets.default': TARGETS.default, campaign: 'spring\u0000', _csrf: csrfTokenIn(form.html) });
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/id="f-campaign-error" class="error">must not contain NUL characters</);
    expect((await client.get('/admin/links?campaign=%00')).status).toBe(400);
    expect((await client.get('/admin/links/x%00')).status).toBe(404);
  });

  it('treats empty query parameters as absent, as in the README', async () => {
    const res = await api('GET', '/links?limit=50&cursor=&campaign=&network=&q=&slug=&deleted=');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.length).toBeGreaterThan(0);
  });

  it('finds a campaign and a network by any part of them, ignoring case', async () => {
    const tag = uniqueSlug('sale');
    const link = await api('POST', '/links', { targets: TARGETS, campaign: `Spring ${tag} 2026`, network: 'Meta_Ads' });
    expect(link.status).toBe(201);
    const found = await api('GET', `/links?campaign=${encodeURIComponent(`spring ${tag.toUpperCase()}`)}&network=meta_`);
    expect(found.body.data.map((l: { id: number }) => l.id)).toEqual([link.body.id]);
    // "%" and "_" are matched as themselves, not as wildcards.
    expect((await api('GET', `/links?campaign=${encodeURIComponent(`${tag}%`)}`)).body.total).toBe(0);
  });
});
