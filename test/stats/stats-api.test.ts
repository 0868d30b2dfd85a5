import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.ts';
import { foldEvents } from '../../src/stats/fold.ts';
import { insertLink, testSql } from '../support/fixtures.ts';
import { startTestRuntime } from '../support/web-runtime.ts';
import { statsEvent } from './support.ts';

const API_KEY = 'stats-test-key';
const client = testSql();
const db = createDb(client);
afterAll(() => client.end());

const at = (iso: string) => Date.parse(iso) / 1000;

describe('GET /api/v1/stats', () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let linkId: number;
  let slug: string;
  beforeAll(async () => {
    runtime = await startTestRuntime({ API_KEY });
    const link = await insertLink(client, { campaign: 'spring' });
    linkId = link.id;
    slug = link.slug;
    await foldEvents(db, [
      // 23:30 UTC on 10 March is 11 March in Tokyo.
      statsEvent({ linkId, ts: at('2026-03-10T23:30:00Z'), country: 'JP', lookupKey: 'a' }),
      statsEvent({ linkId, ts: at('2026-03-10T10:00:00Z'), country: 'US', lookupKey: 'b' }),
      statsEvent({ linkId, ts: at('2026-03-10T10:05:00Z'), country: 'US', lookupKey: 'b', referer: 'news.example' }),
      statsEvent({ linkId, ts: at('2026-03-10T11:00:00Z'), bot: true }),
      statsEvent({ linkId, ts: at('2026-03-10T12:00:00Z'), type: '/t/imp' }),
      // Around the US spring-forward change (8 March 2026, 02:00 local in New York).
      statsEvent({ linkId, ts: at('2026-03-08T04:30:00Z'), country: 'CA', lookupKey: 'c' }), // 23:30 on 7 March, EST
      statsEvent({ linkId, ts: at('2026-03-09T03:30:00Z'), country: 'CA', lookupKey: 'c' }), // 23:30 on 8 March, EDT
    ]);
  });

  const get = (query: string, key = API_KEY) => runtime.app.request(`/api/v1/stats?${query}`, { headers: { authorization: `Bearer ${key}` } });
  // The tests read the JSON answer field by field.
  const json = (res: Response) => res.json() as Promise<any>;

  it('answers totals, a daily series and the top countries, bots excluded by default', async () => {
    const res = await get(`link=${slug}&from=2026-03-10&to=2026-03-11&interval=day&group_by=country`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.totals).toEqual({ clicks: 3, impressions: 1, bot_clicks: 1, unique_visitors: 2 });
    expect(body.series.map((p: { local: string; clicks: number }) => [p.local, p.clicks])).toEqual([
      ['2026-03-10T00:00', 3],
      ['2026-03-11T00:00', 0],
    ]);
    // The impression came from the US too.
    expect(body.groups).toEqual([
      { value: 'US', clicks: 2, impressions: 1 },
      { value: 'JP', clicks: 1, impressions: 0 },
    ]);
  });

  it('cuts days in the query time zone: 23:30 UTC is the next day in Asia/Tokyo', async () => {
    const body = await json(await get(`link=${linkId}&from=2026-03-10&to=2026-03-11&timezone=Asia/Tokyo`));
    const byDay = Object.fromEntries(body.series.map((p: { local: string; clicks: number }) => [p.local.slice(0, 10), p.clicks]));
    expect(byDay).toEqual({ '2026-03-10': 2, '2026-03-11': 1 });
    expect(body.series[0].start).toBe('2026-03-09T15:00:00Z');
  });

  it('gives a DST day its 23 hours: days around the change in America/New_York', async () => {
    const body = await json(await get(`link=${linkId}&from=2026-03-07&to=2026-03-09&timezone=America/New_York&country=CA`));
    expect(body.series.map((p: { start: string; local: string; clicks: number }) => [p.start, p.local, p.clicks])).toEqual([
      ['2026-03-07T05:00:00Z', '2026-03-07T00:00', 1],
      ['2026-03-08T05:00:00Z', '2026-03-08T00:00', 1],
      ['2026-03-09T04:00:00Z', '2026-03-09T00:00', 0],
    ]);
    const hours = await json(await get(`link=${linkId}&from=2026-03-08&to=2026-03-08&timezone=America/New_York&interval=hour`));
    expect(hours.series).toHaveLength(23);
  });

  it('keeps bots apart: only, include', async () => {
    expect((await json(await get(`link=${linkId}&from=2026-03-10&to=2026-03-10&bots=only`))).totals.clicks).toBe(1);
    expect((await json(await get(`link=${linkId}&from=2026-03-10&to=2026-03-10&bots=include`))).totals.clicks).toBe(4);
  });

  it('filters and groups by the referrer host', async () => {
    const body = await json(await get(`link=${linkId}&from=2026-03-01&to=2026-03-31&group_by=referrer&country=US`));
    expect(body.groups).toEqual([
      { value: '', clicks: 1, impressions: 1 },
      { value: 'news.example', clicks: 1, impressions: 0 },
    ]);
    expect(body.totals.unique_visitors).toBeNull();
  });

  it('answers CSV with format=csv', async () => {
    const res = await get(`link=${linkId}&from=2026-03-10&to=2026-03-11&group_by=country&format=csv`);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(await res.text()).toBe('country,label,clicks,impressions\r\nUS,,2,1\r\nJP,,1,0\r\n');
    const series = await (await get(`link=${linkId}&from=2026-03-10&to=2026-03-11&format=csv`)).text();
    expect(series.split('\r\n')[0]).toBe('start,local,clicks,impressions');
    expect(series).toContain('2026-03-10T00:00:00Z,2026-03-10T00:00,3,1');
  });

  it('refuses bad queries with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['from=2026-03-12&to=2026-03-10', 'from'],
      ['group_by=planet', 'group_by'],
      ['interval=fortnight', 'interval'],
      ['timezone=Mars/Olympus', 'timezone'],
      ['bots=some', 'bots'],
      ['from=yesterday', 'from'],
      ['from=2000-01-01&to=2026-01-01&interval=hour', 'interval'],
    ];
    for (const [query, field] of cases) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      const body = await json(res);
      expect(body.fields[0].field, query).toBe(field);
      expect(body.message, query).toMatch(new RegExp(`^${field}: `));
    }
    expect((await get('link=no-such-link-xyz')).status).toBe(404);
    expect((await get('', 'wrong')).status).toBe(401);
  });

  it('is in the OpenAPI document with its 4xx answers', async () => {
    const doc = (await (await runtime.app.request('/api/v1/openapi.json')).json()) as any;
    expect(Object.keys(doc.paths['/stats'].get.responses).sort()).toEqual(['200', '400', '401', '404', '429', '503']);
  });
});
