import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Sql } from '../../../src/db/client.ts';
import { createLinkStore, type LinkStore } from '../../../src/links/link-store.ts';
import { createAdminApp } from '../../../src/web/admin/index.ts';
import { explainParts } from '../api/api-client.ts';
import { IPHONE_UA, silentLogger, TARGETS, testSql, uniqueSlug } from '../../support/fixtures.ts';
import { startTestRuntime } from '../../support/web-runtime.ts';
import { adminClient, csrfTokenIn, decodeEntities, ORIGIN } from './admin-client.ts';

const API_KEY = 'admin-test-key-abcdefghijklmnop';

const linkForm = (fields: Record<string, string> = {}) => ({
  slug: uniqueSlug('ui'),
  'targets.ios': TARGETS.ios,
  'targets.android': TARGETS.android,
  'targets.default': TARGETS.default,
  campaign: 'spring',
  network: 'meta',
  attribution_window_idfa: '10080',
  attribution_window_fingerprint: '1440',
  store_params: 'on',
  ...fields,
});

describe('/admin', () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let client: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ API_KEY });
    await runtime.listening;
    client = adminClient(runtime.app);
    await client.signIn(API_KEY);
  });

  /** Creates a link through the form; answers the detail page's path. */
  async function createThroughForm(fields: Record<string, string> = {}) {
    const form = await client.get('/admin/links/new');
    const res = await client.post('/admin/links', { ...linkForm(fields), _csrf: csrfTokenIn(form.html) });
    expect(res.status, res.html).toBe(303);
    return res.location!;
  }

  describe('signing in', () => {
    it('sends a visitor without a session to the sign-in page', async () => {
      const res = await adminClient(runtime.app).get('/admin/links');
      expect(res.status).toBe(303);
      expect(res.location).toBe('/admin/login');
    });

    it('refuses a wrong API key with a message and no cookie', async () => {
      const res = await adminClient(runtime.app).post('/admin/login', { api_key: 'wrong' });
      expect(res.status).toBe(401);
      expect(res.html).toContain('That is not the API key');
      expect(res.headers.get('set-cookie')).toBeNull();
    });

    it('sets an HttpOnly, SameSite=Strict session cookie that does not hold the key', async () => {
      const res = await adminClient(runtime.app).signIn(API_KEY);
      const cookie = res.headers.get('set-cookie')!;
      expect(res.location).toBe('/admin/links');
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\/admin/);
      expect(cookie).not.toMatch(/Secure/); // plain http here; see the proxy test below
      expect(decodeURIComponent(cookie)).not.toContain(API_KEY);
    });

    it('ignores a tampered session cookie', async () => {
      const other = adminClient(runtime.app);
      await other.signIn(API_KEY);
      other.setCookie(other.cookie().replace(/^(clicktrack_admin=)\d/, '$19'));
      expect((await other.get('/admin/links')).location).toBe('/admin/login');
    });

    it('ends the session on the server: the old cookie and its CSRF token no longer work', async () => {
      const other = adminClient(runtime.app);
      await other.signIn(API_KEY);
      const stolen = other.cookie();
      const token = csrfTokenIn((await other.get('/admin/links/new')).html);
      await other.post('/admin/logout', { _csrf: token });
      // Someone who copied the cookie before the sign-out replays it.
      const replay = adminClient(runtime.app);
      replay.setCookie(stolen);
      expect((await replay.get('/admin/links')).location).toBe('/admin/login');
      const slug = uniqueSlug('replay');
      const res = await replay.post('/admin/links', { ...linkForm({ slug }), _csrf: token });
      expect(res.location).toBe('/admin/login');
      const listed = await runtime.app.request(`/api/v1/links?slug=${slug}`, { headers: { authorization: `Bearer ${API_KEY}` } });
      expect(((await listed.json()) as { total: number }).total).toBe(0);
    });

    it('signs out', async () => {
      const other = adminClient(runtime.app);
      await other.signIn(API_KEY);
      const list = await other.get('/admin/links');
      const res = await other.post('/admin/logout', { _csrf: csrfTokenIn(list.html) });
      expect(res.location).toBe('/admin/login');
      expect((await other.get('/admin/links')).location).toBe('/admin/login');
    });
  });

  describe('security headers and CSRF', () => {
    it('sets a Content-Security-Policy without inline script and never caches pages', async () => {
      const res = await client.get('/admin/links');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // Every script is a file: none has a body.
      expect(res.html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(res.html).not.toMatch(/\son[a-z]+=/i);
    });

    it('serves the copy-button script as a file', async () => {
      const res = await client.get('/admin/assets/admin.js');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(res.html).toContain('clipboard');
    });

    it('refuses a form posted from another origin', async () => {
      const form = await client.get('/admin/links/new');
      const res = await client.post('/admin/links', { ...linkForm(), _csrf: csrfTokenIn(form.html) }, { origin: 'https://evil.example' });
      expect(res.status).toBe(403);
      expect(res.html).toContain('sent from another site');
    });

    it('refuses a form without the session CSRF token', async () => {
      const res = await client.post('/admin/links', linkForm());
      expect(res.status).toBe(403);
      expect(res.html).toContain('expired');
      const forged = await client.post('/admin/links', { ...linkForm(), _csrf: 'x'.repeat(43) });
      expect(forged.status).toBe(403);
    });

    it('escapes what marketers typed', async () => {
      const detail = await createThroughForm({ campaign: '<script>alert(1)</script>' });
      const res = await client.get(detail);
      expect(res.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.html).not.toContain('<script>alert(1)');
    });
  });

  describe('links', () => {
    it('creates a link through the form and shows its tracking URL, copy button and QR code', async () => {
      const slug = uniqueSlug('form');
      const detail = await createThroughForm({ slug });
      expect(detail).toMatch(/^\/admin\/links\/\d+\?saved=1$/);
      const res = await client.get(detail);
      expect(res.status).toBe(200);
      expect(res.html).toContain('Saved.');
      expect(res.html).toContain(`value="${ORIGIN}/t/click/${slug}"`);
      expect(res.html).toContain('class="copy"');
      expect(res.html).toMatch(/<svg[^>]*viewBox/);
      const click = await runtime.app.request(`/t/click/${slug}`, { headers: { 'user-agent': IPHONE_UA } });
      expect(click.headers.get('location')?.split('?')[0]).toBe(TARGETS.ios);
    });

    it('shows the validation message next to a javascript: target and keeps what was typed', async () => {
      const form = await client.get('/admin/links/new');
      const res = await client.post('/admin/links', { ...linkForm({ 'targets.ios': 'javascript:alert(1)', campaign: 'kept' }), _csrf: csrfTokenIn(form.html) });
      expect(res.status).toBe(400);
      expect(res.html).toMatch(/id="f-targets-ios-error" class="error">must be an https:, http:, itms-apps: or market: URL written in full/);
      expect(res.html).toContain('value="javascript:alert(1)"');
      expect(res.html).toContain('value="kept"');
    });

    it.each([
      ['slug', { slug: 'has space' }, 'f-slug-error', /letters, digits/],
      ['a window', { attribution_window_idfa: 'soon' }, 'f-attribution_window_idfa-error', /whole number of minutes/],
      ['a negative window', { attribution_window_fingerprint: '-5' }, 'f-attribution_window_fingerprint-error', /negative/],
      ['a long campaign', { campaign: 'x'.repeat(257) }, 'f-campaign-error', /256/],
    ])('shows the API message for an invalid %s', async (_name, fields, errorId, message) => {
      const form = await client.get('/admin/links/new');
      const res = await client.post('/admin/links', { ...linkForm(fields), _csrf: csrfTokenIn(form.html) });
      expect(res.status).toBe(400);
      const shown = new RegExp(`id="${errorId}" class="error">([^<]*)<`).exec(res.html)?.[1] ?? '';
      expect(decodeEntities(shown)).toMatch(message);
    });

    it('says when no target is given', async () => {
      const form = await client.get('/admin/links/new');
      const res = await client.post('/admin/links', { ...linkForm({ 'targets.ios': '', 'targets.android': '', 'targets.default': '' }), _csrf: csrfTokenIn(form.html) });
      expect(res.status).toBe(400);
      expect(res.html).toContain('needs at least one of ios, android, default');
    });

    it('answers a taken slug with 409 and says so by the slug field', async () => {
      const slug = uniqueSlug('taken');
      await createThroughForm({ slug });
      const form = await client.get('/admin/links/new');
      const res = await client.post('/admin/links', { ...linkForm({ slug }), _csrf: csrfTokenIn(form.html) });
      expect(res.status).toBe(409);
      expect(res.html).toMatch(/id="f-slug-error" class="error">is already taken</);
    });

    it('warns about a Play Store URL in the iOS slot after saving', async () => {
      const detail = await createThroughForm({ 'targets.ios': TARGETS.android });
      const res = await client.get(detail);
      expect(res.html).toContain('targets.ios is a Play Store URL');
    });

    it('finds links by slug text, campaign and network', async () => {
      const campaign = uniqueSlug('listcamp');
      const slug = uniqueSlug('Findme');
      await createThroughForm({ slug, campaign });
      await createThroughForm({ campaign });
      const bySlug = await client.get(`/admin/links?q=${encodeURIComponent(slug.toLowerCase())}`);
      expect(bySlug.html).toContain(`>${slug}</a>`);
      expect(bySlug.html).toMatch(/class="count">1</);
      const byCampaign = await client.get(`/admin/links?campaign=${campaign}&network=meta`);
      expect(byCampaign.html).toMatch(/class="count">2</);
    });

    it('pages through many links', async () => {
      const campaign = uniqueSlug('pages');
      for (let i = 0; i < 3; i++) await createThroughForm({ campaign });
      const first = await client.get(`/admin/links?campaign=${campaign}&limit=2`);
      const next = /href="([^"]+)" rel="next"/.exec(first.html)?.[1];
      expect(next).toBeDefined();
      const second = await client.get(decodeEntities(next!));
      expect(second.status).toBe(200);
      expect((second.html.match(/data-label="Slug"/g) ?? []).length).toBe(1);
    });

    it('edits a link: changes a field and clears a target', async () => {
      const detail = await createThroughForm();
      const path = detail.split('?')[0]!;
      const edit = await client.get(`${path}/edit`);
      expect(edit.html).toContain(`value="${TARGETS.android}"`);
      const res = await client.post(path, { ...linkForm({ campaign: 'autumn', 'targets.default': '' }), _csrf: csrfTokenIn(edit.html) });
      expect(res.status, res.html).toBe(303);
      const shown = await client.get(path);
      expect(shown.html).toContain('autumn');
      expect(shown.html).not.toContain(TARGETS.default);
    });

    it('deletes a link after which its tracking URL is unknown', async () => {
      const slug = uniqueSlug('delete');
      const detail = await createThroughForm({ slug });
      const page = await client.get(detail);
      const res = await client.post(`${detail.split('?')[0]}/delete`, { _csrf: csrfTokenIn(page.html) });
      expect(res.status).toBe(303);
      expect(res.location).toMatch(new RegExp(`^/admin/links\\?removed=${slug}&removed_id=\\d+$`));
      expect((await client.get(res.location!)).html).toContain(`Deleted ${slug}.`);
      await expect.poll(async () => (await runtime.app.request(`/t/click/${slug}`)).status, { timeout: 1_000 }).toBe(404);
      expect((await client.get(detail)).status).toBe(404);
    });

    it('undoes a delete from the notice, and restores from the deleted links page', async () => {
      const slug = uniqueSlug('undo');
      const detail = await createThroughForm({ slug, campaign: slug });
      const id = detail.split('?')[0]!.split('/').at(-1);
      const removedPage = await client.get((await client.post(`/admin/links/${id}/delete`, { _csrf: csrfTokenIn((await client.get(detail)).html) })).location!);
      expect(removedPage.html).toContain(`action="/admin/links/${id}/restore"`);

      const undone = await client.post(`/admin/links/${id}/restore`, { _csrf: csrfTokenIn(removedPage.html) });
      expect(undone.status).toBe(303);
      expect(undone.location).toBe(`/admin/links/${id}?restored=1`);
      expect((await client.get(undone.location!)).html).toContain('Restored. The tracking URL redirects again');
      await expect.poll(async () => (await runtime.app.request(`/t/click/${slug}`)).status, { timeout: 1_000 }).toBe(302);

      await client.post(`/admin/links/${id}/delete`, { _csrf: csrfTokenIn(removedPage.html) });
      const deletedList = await client.get(`/admin/links?deleted=true&campaign=${slug}`);
      expect(deletedList.status).toBe(200);
      expect(deletedList.html).toContain('<h1>Deleted links <span class="count">1</span></h1>');
      expect(deletedList.html).toContain(`action="/admin/links/${id}/restore"`);
      expect((await client.get(`/admin/links?campaign=${slug}`)).html).toContain('No link matches.');

      const restored = await client.post(`/admin/links/${id}/restore`, { _csrf: csrfTokenIn(deletedList.html) });
      expect(restored.location).toBe(`/admin/links/${id}?restored=1`);
      expect((await client.get(`/admin/links?deleted=true&campaign=${slug}`)).html).toContain('No link matches.');
    });

    it('undoes the delete of a link whose slug is all digits, not the link with that id', async () => {
      const other = await createThroughForm();
      const otherId = other.split('?')[0]!.split('/').at(-1)!;
      // The slug is the other link's id: Undo must still restore this one.
      const detail = await createThroughForm({ slug: otherId });
      const id = detail.split('?')[0]!.split('/').at(-1)!;
      const deleted = await client.post(`/admin/links/${id}/delete`, { _csrf: csrfTokenIn((await client.get(detail)).html) });
      const removedPage = await client.get(deleted.location!);
      expect(removedPage.html).toContain(`Deleted ${otherId}.`);
      const undoAction = /action="([^"]+\/restore)"/.exec(removedPage.html)?.[1];
      const undone = await client.post(undoAction!, { _csrf: csrfTokenIn(removedPage.html) });
      expect(undone.location).toBe(`/admin/links/${id}?restored=1`);
      expect((await client.get(`/admin/links/${id}`)).status).toBe(200);
    });

    it('refuses a restore without the form token', async () => {
      const detail = await createThroughForm();
      const id = detail.split('?')[0]!.split('/').at(-1);
      expect((await client.post(`/admin/links/${id}/restore`, { _csrf: 'forged' })).status).toBe(403);
    });

    it('offers the QR code as an SVG download', async () => {
      const detail = await createThroughForm();
      const res = await client.get(`${detail.split('?')[0]}/qr.svg`);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(res.headers.get('content-disposition')).toMatch(/attachment/);
      expect(res.html).toMatch(/^<svg/);
    });
  });
});

describe('/admin behind a proxy or with PUBLIC_URL', () => {
  let sql: Sql;
  let store: LinkStore;
  beforeAll(() => {
    sql = testSql();
    store = createLinkStore(createDb(sql));
  });
  afterAll(() => sql.end());
  const mounted = (deps: Omit<Parameters<typeof createAdminApp>[0], 'linkStore' | 'logger' | 'explain' | 'nowMs'>) =>
    new Hono().route('/admin', createAdminApp({ linkStore: store, logger: silentLogger, ...explainParts, ...deps }));

  it('marks the cookie Secure and shows https tracking URLs when a trusted proxy says https', async () => {
    const app = mounted({ apiKey: API_KEY, trustProxy: 1 });
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'go.example.com' };
    const client = adminClient(app, 'https://go.example.com');
    const login = await app.request('http://10.0.0.5/admin/login', {
      method: 'POST',
      headers: { ...headers, origin: 'https://go.example.com', 'content-type': 'application/x-www-form-urlencoded' },
      body: `api_key=${API_KEY}`,
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('set-cookie')).toMatch(/Secure/);
    client.setCookie(login.headers.get('set-cookie')!.split(';')[0]!);
    const link = await store.create({ slug: uniqueSlug('proxy'), targets: TARGETS });
    const res = await app.request(`http://10.0.0.5/admin/links/${link.id}`, { headers: { ...headers, cookie: client.cookie() } });
    expect(await res.text()).toContain(`value="https://go.example.com/t/click/${link.slug}"`);
  });

  it('ignores forwarded headers when no proxy is trusted', async () => {
    const app = mounted({ apiKey: API_KEY, trustProxy: 0 });
    const login = await app.request('http://localhost/admin/login', {
      method: 'POST',
      headers: { 'x-forwarded-proto': 'https', origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' },
      body: `api_key=${API_KEY}`,
    });
    expect(login.headers.get('set-cookie')).not.toMatch(/Secure/);
  });

  it('uses PUBLIC_URL for tracking URLs', async () => {
    const app = mounted({ apiKey: API_KEY, trustProxy: 0, publicUrl: 'https://links.example.org/' });
    const client = adminClient(app, 'http://localhost');
    // The browser's Origin is the public one; the request URL is the dyno's.
    const login = await client.post('/admin/login', { api_key: API_KEY }, { origin: 'https://links.example.org' });
    expect(login.status).toBe(303);
    expect(login.headers.get('set-cookie')).toMatch(/Secure/);
    const link = await store.create({ slug: uniqueSlug('public'), targets: TARGETS });
    const res = await client.get(`/admin/links/${link.id}`);
    expect(res.html).toContain(`value="https://links.example.org/t/click/${link.slug}"`);
  });

  it('answers 503 saying API_KEY is not set when the server has no key', async () => {
    const app = mounted({ apiKey: undefined, trustProxy: 0 });
    const res = await app.request('/admin/login');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('API_KEY is not set');
  });
});
