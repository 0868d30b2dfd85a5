import { beforeAll, describe, expect, it } from 'vitest';
import { IPHONE_UA, TARGETS, uniqueSlug } from '../../support/fixtures.ts';
import { startTestRuntime } from '../../support/web-runtime.ts';
import { apiClient, TEST_API_KEY } from './api-client.ts';

describe('/api/v1/links', () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ API_KEY: TEST_API_KEY });
    await runtime.listening;
    api = apiClient(runtime.app);
  });

  const create = async (fields: Record<string, unknown> = {}) => {
    const res = await api('POST', '/links', { slug: uniqueSlug('api'), targets: TARGETS, campaign: 'spring', ...fields });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  describe('happy paths', () => {
    it('creates a link with a chosen slug and answers it with every field', async () => {
      const slug = uniqueSlug('chosen');
      const res = await api('POST', '/links', {
        slug,
        targets: TARGETS,
        campaign: 'spring',
        adgroup: 'ag1',
        ad: 'ad1',
        network: 'meta',
        attribution_window_idfa: 60,
        attribution_window_fingerprint: 30,
        store_params: false,
        app_store_campaign_token: 'spring-ct',
        app_store_provider_token: '123456',
        forward_query: true,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        slug,
        targets: TARGETS,
        campaign: 'spring',
        adgroup: 'ag1',
        ad: 'ad1',
        network: 'meta',
        attribution_window_idfa: 60,
        attribution_window_fingerprint: 30,
        store_params: false,
        app_store_campaign_token: 'spring-ct',
        app_store_provider_token: '123456',
        forward_query: true,
        warnings: [],
      });
      expect(res.body.id).toEqual(expect.any(Number));
      expect(Date.parse(res.body.created_at)).not.toBeNaN();
      expect(Date.parse(res.body.updated_at)).not.toBeNaN();
      expect(res.headers.get('location')).toBe(`/api/v1/links/${res.body.id}`);
    });

    it('uses the database defaults for what a create leaves out', async () => {
      const link = await create({ campaign: undefined });
      expect(link).toMatchObject({ campaign: null, adgroup: null, attribution_window_idfa: 10080, attribution_window_fingerprint: 1440, store_params: true, forward_query: false });
    });

    it('generates a short URL-safe slug when none is given', async () => {
      const res = await api('POST', '/links', { targets: { default: 'https://example.com/' } });
      expect(res.status).toBe(201);
      expect(res.body.slug).toMatch(/^[A-Za-z0-9_-]{8}$/);
    });

    it('makes a new link redirect an iPhone to its iOS target', async () => {
      const link = await create();
      const res = await runtime.app.request(`/t/click/${link.slug}`, { headers: { 'user-agent': IPHONE_UA } });
      expect(res.status).toBe(302);
      // Store parameters (another feature) may be added to the target's query.
      expect(res.headers.get('location')?.split('?')[0]).toBe(TARGETS.ios);
    });

    it('gets a link by id and by slug', async () => {
      const link = await create();
      const byId = await api('GET', `/links/${link.id}`);
      const bySlug = await api('GET', `/links/${link.slug}`);
      expect(byId.status).toBe(200);
      expect(bySlug.status).toBe(200);
      const { warnings: _warnings, ...stored } = link;
      expect(byId.body).toEqual(stored);
      expect(bySlug.body).toEqual(stored);
    });

    it('finds a link whose slug is all digits (an id of the original system) by that slug', async () => {
      const slug = String(900_000_000_000 + Math.floor(Math.random() * 99_999_999));
      const link = await create({ slug });
      const res = await api('GET', `/links/${slug}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(link.id);
    });

    it('changes only the fields a PATCH sends, merging targets', async () => {
      const link = await create({ network: 'meta', adgroup: 'ag1' });
      const res = await api('PATCH', `/links/${link.id}`, {
        targets: { ios: 'itms-apps://apps.apple.com/app/id1', default: null },
        network: 'tiktok',
        adgroup: null,
        attribution_window_idfa: 0,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        slug: link.slug,
        campaign: 'spring',
        network: 'tiktok',
        adgroup: null,
        attribution_window_idfa: 0,
        targets: { ios: 'itms-apps://apps.apple.com/app/id1', android: TARGETS.android },
        warnings: [],
      });
      expect(res.body.targets).not.toHaveProperty('default');
      expect(Date.parse(res.body.updated_at)).toBeGreaterThan(Date.parse(link.updated_at));
      expect((await api('GET', `/links/${link.slug}`)).body.network).toBe('tiktok');
    });

    it('answers an empty PATCH with the link unchanged', async () => {
      const link = await create();
      const res = await api('PATCH', `/links/${link.slug}`, {});
      expect(res.status).toBe(200);
      expect(res.body.updated_at).toBe(link.updated_at);
    });

    it('deletes softly: the link is gone from the API and the click path, and its slug stays reserved', async () => {
      const link = await create();
      expect((await runtime.app.request(`/t/click/${link.slug}`)).status).toBe(302);

      const res = await api('DELETE', `/links/${link.id}`);
      expect(res.status).toBe(204);
      expect(res.body).toBeNull();

      expect((await api('GET', `/links/${link.id}`)).status).toBe(404);
      expect((await api('PATCH', `/links/${link.id}`, { campaign: 'x' })).status).toBe(404);
      expect((await api('DELETE', `/links/${link.id}`)).status).toBe(404);
      const listed = await api('GET', `/links?q=${link.slug}`);
      expect(listed.body.data).toEqual([]);
      // The listener evicts the cached link within milliseconds.
      await expect.poll(async () => (await runtime.app.request(`/t/click/${link.slug}`)).status, { timeout: 1_000 }).toBe(404);

      const again = await api('POST', '/links', { slug: link.slug, targets: TARGETS });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ error: 'conflict', fields: [{ field: 'slug' }] });
      expect(again.body.message).toMatch(/^slug: belongs to a deleted link/);
    });

    it('lists deleted links on request and restores one by id or slug, so its tracking URL redirects again', async () => {
      const link = await create({ campaign: 'restore-me' });
      await runtime.app.request(`/t/click/${link.slug}`);
      expect((await api('DELETE', `/links/${link.slug}`)).status).toBe(204);
      await expect.poll(async () => (await runtime.app.request(`/t/click/${link.slug}`)).status, { timeout: 1_000 }).toBe(404);

      const deleted = await api('GET', `/links?deleted=true&campaign=restore-me`);
      expect(deleted.body).toMatchObject({ total: 1, data: [{ id: link.id, slug: link.slug }] });
      expect((await api('GET', `/links?campaign=restore-me`)).body.total).toBe(0);

      const restored = await api('POST', `/links/${link.slug}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ id: link.id, slug: link.slug, campaign: 'restore-me', targets: link.targets });
      expect((await api('GET', `/links/${link.id}`)).status).toBe(200);
      expect((await api('GET', `/links?deleted=true&campaign=restore-me`)).body.total).toBe(0);
      await expect.poll(async () => (await runtime.app.request(`/t/click/${link.slug}`)).status, { timeout: 1_000 }).toBe(302);

      // Again, by id: a live link is answered as it is.
      const twice = await api('POST', `/links/${link.id}/restore`);
      expect(twice.status).toBe(200);
      expect(twice.body.updated_at).toBe(restored.body.updated_at);
    });

    it('answers a restore of an unknown link with 404, and a bad deleted filter with 400', async () => {
      expect((await api('POST', '/links/no-such-link-ever/restore')).status).toBe(404);
      expect((await api('POST', '/links/999999999/restore')).status).toBe(404);
      const bad = await api('GET', '/links?deleted=yes');
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/deleted/);
    });
  });

  describe('warnings', () => {
    it('accepts a Play Store URL in the iOS slot with a warning naming the field', async () => {
      const link = await create({ targets: { ios: 'https://play.google.com/store/apps/details?id=x', default: 'https://example.com/' } });
      expect(link.warnings).toEqual([{ field: 'targets.ios', message: expect.stringMatching(/Play Store/) }]);
    });

    it('accepts an App Store URL in the Android slot with a warning, on PATCH too', async () => {
      const link = await create();
      const res = await api('PATCH', `/links/${link.id}`, { targets: { android: 'itms-apps://apps.apple.com/app/id1' } });
      expect(res.status).toBe(200);
      expect(res.body.warnings).toEqual([{ field: 'targets.android', message: expect.stringMatching(/App Store/) }]);
    });
  });

  describe('validation: every 400 names the field', () => {
    const long = (n: number) => 'x'.repeat(n);
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['a javascript: target', { targets: { ios: 'javascript:alert(1)' } }, 'targets.ios', /https:, http:, itms-apps: or market:/],
      ['a data: target', { targets: { default: 'data:text/html,hi' } }, 'targets.default', /https:/],
      ['a file: target', { targets: { android: 'file:///etc/passwd' } }, 'targets.android', /https:/],
      ['a target with a line break', { targets: { ios: 'https://example.com/a\r\nSet-Cookie: x=1' } }, 'targets.ios', /control characters/],
      ['a target with a space', { targets: { default: 'https://example.com/a b' } }, 'targets.default', /%20/],
      ['a target that is no URL', { targets: { default: 'example.com/landing' } }, 'targets.default', /https:/],
      ['a target over 2048 characters', { targets: { default: `https://example.com/${long(2040)}` } }, 'targets.default', /2048/],
      ['a target that is not a string', { targets: { ios: 42 } }, 'targets.ios', /string/],
      ['no targets', {}, 'targets', /required/],
      ['empty targets', { targets: {} }, 'targets', /at least one/],
      ['targets that are not an object', { targets: 'https://example.com' }, 'targets', /object/],
      ['an unknown platform', { targets: { web: 'https://example.com' } }, 'targets.web', /not a known field/],
      ['a slug with a space', { slug: 'spring sale' }, 'slug', /letters, digits/],
      ['a slug over 64 characters', { slug: long(65) }, 'slug', /letters, digits/],
      ['an empty slug', { slug: '' }, 'slug', /letters, digits/],
      ['a campaign over 256 characters', { campaign: long(257) }, 'campaign', /256/],
      ['an adgroup over 256 characters', { adgroup: long(257) }, 'adgroup', /256/],
      ['an ad over 256 characters', { ad: long(257) }, 'ad', /256/],
      ['a network over 256 characters', { network: long(257) }, 'network', /256/],
      ['a campaign that is a number', { campaign: 7 }, 'campaign', /string/],
      ['a negative idfa window', { attribution_window_idfa: -1 }, 'attribution_window_idfa', /negative/],
      ['a fractional fingerprint window', { attribution_window_fingerprint: 1.5 }, 'attribution_window_fingerprint', /whole number/],
      ['a window as text', { attribution_window_idfa: '60' }, 'attribution_window_idfa', /whole number/],
      ['a window over a year', { attribution_window_idfa: 600_000 }, 'attribution_window_idfa', /525600/],
      ['store_params that is not a boolean', { store_params: 'yes' }, 'store_params', /true or false/],
      ['forward_query that is not a boolean', { forward_query: 1 }, 'forward_query', /true or false/],
      ['an App Store campaign token over 40', { app_store_campaign_token: long(41) }, 'app_store_campaign_token', /40/],
      ['an App Store provider token over 64', { app_store_provider_token: long(65) }, 'app_store_provider_token', /64/],
      ['a campaign_url that is not http', { campaign_url: 'ftp://example.com' }, 'campaign_url', /https: or http:/],
      ['an unknown field', { colour: 'red' }, 'colour', /not a known field/],
      ["the original system's target_url", { target_url: { ios: 'https://x.com' } }, 'target_url', /use targets/],
    ];

    it.each(cases)('refuses %s', async (_name, fields, field, message) => {
      const body = { targets: TARGETS, ...fields };
      if (!('targets' in fields) && field === 'targets') delete (body as Record<string, unknown>).targets;
      const res = await api('POST', '/links', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation');
      expect(res.body.fields[0]).toEqual({ field, message: expect.stringMatching(message) });
      expect(res.body.message).toContain(`${field}: `);
    });

    it('refuses a body that is not an object', async () => {
      const res = await api('POST', '/links', [1, 2]);
      expect(res.status).toBe(400);
      expect(res.body.fields[0]).toEqual({ field: 'body', message: 'must be a JSON object' });
    });

    it('refuses malformed JSON with 400 and a body that is not JSON with 415', async () => {
      const malformed = await api('POST', '/links', '{"targets": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toMatch(/JSON/);
      const form = await api('POST', '/links', 'slug=x', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.status).toBe(415);
      expect(form.body.error).toBe('unsupported_media_type');
    });

    it('refuses a PATCH that changes the slug, saying why', async () => {
      const link = await create();
      const res = await api('PATCH', `/links/${link.id}`, { slug: 'other' });
      expect(res.status).toBe(400);
      expect(res.body.fields[0]).toEqual({ field: 'slug', message: expect.stringMatching(/cannot be changed/) });
    });

    it('refuses a PATCH that would remove every target', async () => {
      const link = await create({ targets: { ios: TARGETS.ios } });
      const res = await api('PATCH', `/links/${link.id}`, { targets: { ios: null } });
      expect(res.status).toBe(400);
      expect(res.body.fields[0]).toEqual({ field: 'targets', message: expect.stringMatching(/at least one/) });
      expect((await api('GET', `/links/${link.id}`)).body.targets).toEqual({ ios: TARGETS.ios });
    });

    it('refuses a PATCH with an invalid target, naming it', async () => {
      const link = await create();
      const res = await api('PATCH', `/links/${link.id}`, { targets: { android: 'javascript:alert(1)' } });
      expect(res.status).toBe(400);
      expect(res.body.fields[0].field).toBe('targets.android');
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=abc', 'cursor'],
    ])('refuses the list query %s naming %s', async (query, field) => {
      const res = await api('GET', `/links?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.fields[0].field).toBe(field);
    });
  });

  describe('list', () => {
    it('pages through links newest first with a cursor', async () => {
      const campaign = uniqueSlug('paging');
      const created = [];
      for (let i = 0; i < 5; i++) created.push(await create({ campaign }));
      const newestFirst = created.map((l) => l.slug).reverse();

      const first = await api('GET', `/links?campaign=${campaign}&limit=2`);
      expect(first.status).toBe(200);
      expect(first.body.total).toBe(5);
      expect(first.body.data.map((l: { slug: string }) => l.slug)).toEqual(newestFirst.slice(0, 2));
      const second = await api('GET', `/links?campaign=${campaign}&limit=2&cursor=${first.body.next_cursor}`);
      expect(second.body.data.map((l: { slug: string }) => l.slug)).toEqual(newestFirst.slice(2, 4));
      const last = await api('GET', `/links?campaign=${campaign}&limit=2&cursor=${second.body.next_cursor}`);
      expect(last.body.data.map((l: { slug: string }) => l.slug)).toEqual(newestFirst.slice(4));
      expect(last.body.next_cursor).toBeNull();
    });

    it('filters by campaign, by network and by text in the slug', async () => {
      const campaign = uniqueSlug('filter');
      const token = uniqueSlug('Needle').replace(/-/g, '');
      const a = await create({ campaign, network: 'meta', slug: `${token}-a` });
      const b = await create({ campaign, network: 'tiktok', slug: `x-${token.toLowerCase()}-b` });
      await create({ campaign, network: 'meta' });

      const slugs = (res: { body: { data: Array<{ slug: string }> } }) => res.body.data.map((l) => l.slug).sort();
      expect((await api('GET', `/links?campaign=${campaign}`)).body.total).toBe(3);
      expect(slugs(await api('GET', `/links?campaign=${campaign}&network=tiktok`))).toEqual([b.slug]);
      expect(slugs(await api('GET', `/links?q=${token.toUpperCase()}`))).toEqual([a.slug, b.slug].sort());
      expect(slugs(await api('GET', `/links?q=${token}&network=meta`))).toEqual([a.slug]);
    });

    it('finds the link with exactly a given slug, even one that reads as an id', async () => {
      const shadowed = await create();
      // A slug equal to another link's id: `/links/{id}` means the id, `?slug=` the slug.
      const digits = await create({ slug: String(shadowed.id) });
      expect((await api('GET', `/links/${shadowed.id}`)).body.slug).toBe(shadowed.slug);
      const res = await api('GET', `/links?slug=${shadowed.id}`);
      expect(res.body.data.map((l: { id: number }) => l.id)).toEqual([digits.id]);
      expect((await api('GET', `/links?slug=${shadowed.slug}`)).body.total).toBe(1);
    });

    it('treats % and _ in the search text as plain characters', async () => {
      const res = await api('GET', '/links?q=%25');
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([]);
    });
  });

  describe('conflict and not found', () => {
    it('answers 409 naming the slug when it is taken', async () => {
      const link = await create();
      const res = await api('POST', '/links', { slug: link.slug, targets: TARGETS });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        error: 'conflict',
        message: 'slug: is already taken',
        fields: [{ field: 'slug', message: 'is already taken' }],
        request_id: expect.stringMatching(/^[\w-]{8,}$/),
      });
      // The id is also the answer's header, so a proxy's log can be matched to ours.
      expect(res.headers.get('x-request-id')).toBe(res.body.request_id);
    });

    it.each(['GET', 'PATCH', 'DELETE'])('answers %s of an unknown link with 404', async (method) => {
      const res = await api(method, '/links/no-such-link-anywhere', method === 'PATCH' ? { campaign: 'x' } : undefined);
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('not_found');
    });
  });
});
