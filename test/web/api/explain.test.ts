import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANDROID_UA, DESKTOP_UA, IPHONE_UA, TARGETS, uniqueSlug } from '../../support/fixtures.ts';
import { startTestRuntime } from '../../support/web-runtime.ts';
import { apiClient, TEST_API_KEY } from './api-client.ts';

const RULES = [
  { name: 'ios-fb', when: { platforms: ['ios'], query: [{ param: 'src', equals: 'fb' }] }, target: 'https://r1.example/' },
  { name: 'office', when: { ips: ['10.0.0.0/8'] }, target: 'https://office.example/' },
  { name: 'germany', when: { countries: ['DE'], devices: ['phone', 'desktop'] }, target: 'https://de.example/' },
  { name: 'french', when: { languages: ['fr'] }, targets: { android: 'https://fr-android.example/' } },
  {
    name: 'split',
    when: { time: { hours: { from: '00:00', to: '23:59' } } },
    target: [
      { name: 'a', url: 'https://a.example/', weight: 2 },
      { name: 'b', url: 'https://b.example/', weight: 1 },
      { name: 'c', url: 'https://c.example/', weight: 1 },
    ],
  },
];

describe('link rules through the API', () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let api: ReturnType<typeof apiClient>;
  let slug: string;
  beforeAll(async () => {
    runtime = await startTestRuntime({ API_KEY: TEST_API_KEY, TRUST_PROXY: '1' });
    api = apiClient(runtime.app);
    const created = await api('POST', '/links', { slug: uniqueSlug('rules'), targets: TARGETS, store_params: false, rules: RULES });
    expect(created.status).toBe(201);
    slug = created.body.slug;
  });

  it('stores and answers the rules, schedule and limit', async () => {
    const res = await api('PATCH', `/links/${slug}`, { starts_at: '2020-01-01T00:00:00Z', expires_at: '2100-01-01T00:00:00+00:00', max_clicks: 5000, expired_url: 'https://example.com/over' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ starts_at: '2020-01-01T00:00:00.000Z', expires_at: '2100-01-01T00:00:00.000Z', max_clicks: 5000, expired_url: 'https://example.com/over' });
    expect(res.body.rules.map((r: { name: string }) => r.name)).toEqual(['ios-fb', 'office', 'germany', 'french', 'split']);
    expect((await api('PATCH', `/links/${slug}`, { max_clicks: null })).body.max_clicks).toBeNull();
  });

  it('refuses bad rules and schedules naming the field', async () => {
    const bad = await api('POST', '/links', { targets: TARGETS, rules: [{ when: { countries: ['Germany'] }, target: 'https://a.example/' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('rules.0.when.countries.0: must be a two-letter ISO country code such as DE');
    const order = await api('PATCH', `/links/${slug}`, { expires_at: '2019-01-01T00:00:00Z' });
    expect(order.status).toBe(400);
    expect(order.body.message).toBe('expires_at: must be after starts_at');
    const limit = await api('PATCH', `/links/${slug}`, { max_clicks: 0 });
    expect(limit.body.message).toBe('max_clicks: must be at least 1');
    const url = await api('PATCH', `/links/${slug}`, { expired_url: 'javascript:alert(1)' });
    expect(url.body.message).toMatch(/^expired_url: must be an https:/);
  });

  it('explains which rule, variant and target a visitor gets, and why earlier rules failed', async () => {
    const res = await api('GET', `/links/${slug}/explain?${new URLSearchParams({ ua: DESKTOP_UA, ip: '188.103.123.173', languages: 'de-DE,de;q=0.9' })}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      visitor: { platform: 'web', device: 'desktop', country: 'DE', languages: ['de-de', 'de'] },
      schedule: 'active',
      answer: 'redirect',
      rule: { index: 2, name: 'germany' },
      variant: null,
      target: 'https://de.example/',
    });
    expect(res.body.rules).toEqual([
      { index: 0, name: 'ios-fb', matched: false, reasons: ['platform web is not one of ios', 'query parameter src is absent'] },
      { index: 1, name: 'office', matched: false, reasons: ['address 188.103.123.173 is not in 10.0.0.0/8'] },
      { index: 2, name: 'germany', matched: true, reasons: [] },
    ]);
    const split = await api('GET', `/links/${slug}/explain?${new URLSearchParams({ ua: DESKTOP_UA, country: 'us', languages: 'fr', ip: '203.0.113.9' })}`);
    expect(split.body.rules[3]).toEqual({ index: 3, name: 'french', matched: false, reasons: ['has no destination for platform web'] });
    expect(split.body.rule).toEqual({ index: 4, name: 'split' });
    expect(['a', 'b', 'c']).toContain(split.body.variant);
    expect(split.body.target).toBe(`https://${split.body.variant}.example/`);
  });

  it('refuses a bad described visitor naming the parameter, and answers 404 for an unknown link', async () => {
    const res = await api('GET', `/links/${slug}/explain?ip=999.1.1.1`);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('ip: must be an IPv4 or IPv6 address');
    expect((await api('GET', `/links/${slug}/explain?time=noon`)).body.message).toMatch(/^time: /);
    expect((await api('GET', '/links/no-such-link-here/explain')).status).toBe(404);
  });

  it('agrees with the real redirect for generated visitors', async () => {
    const visitors = fc.record({
      ua: fc.constantFrom(IPHONE_UA, ANDROID_UA, DESKTOP_UA, 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'),
      ip: fc.oneof(fc.constantFrom('188.103.123.173', '8.8.8.8', '10.1.2.3', '2a00:1450:4001:82a::200e'), fc.ipV4()),
      languages: fc.constantFrom('', 'fr-FR', 'de', 'en-US,en;q=0.8,fr;q=0.2'),
      query: fc.constantFrom('', 'src=fb', 'src=tt&x=1'),
    });
    await fc.assert(
      fc.asyncProperty(visitors, async (v) => {
        const explained = await api('GET', `/links/${slug}/explain?${new URLSearchParams(v)}`);
        const click = await runtime.app.request(`/t/click/${slug}${v.query ? `?${v.query}` : ''}`, {
          headers: { 'user-agent': v.ua, 'x-forwarded-for': v.ip, ...(v.languages ? { 'accept-language': v.languages } : {}) },
        });
        expect(click.headers.get('location')).toBe(explained.body.target);
      }),
      { numRuns: 150 },
    );
  });

  it('documents the new fields and the explain operation in OpenAPI', async () => {
    const doc = (await api('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths['/links/{id}/explain'])).toEqual(['get']);
    const params = doc.paths['/links/{id}/explain'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['id', 'ua', 'country', 'languages', 'ip', 'query', 'time']));
    const { CreateLink, Link } = doc.components.schemas;
    for (const field of ['starts_at', 'expires_at', 'expired_url', 'max_clicks', 'rules']) {
      expect(CreateLink.properties).toHaveProperty(field);
      expect(Link.properties).toHaveProperty(field);
    }
  });
});
