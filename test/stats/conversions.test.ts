import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.ts';
import { delayBucket, toConversionEvent } from '../../src/stats/conversion-event.ts';
import { foldEvents } from '../../src/stats/fold.ts';
import { queryRows } from '../../src/stats/sql-rows.ts';
import { insertLink, testSql } from '../support/fixtures.ts';
import { startTestRuntime } from '../support/web-runtime.ts';
import { conversionEvent, eventJson } from './conversion-support.ts';
import { statsEvent } from './support.ts';

const API_KEY = 'conversions-test-key';
const client = testSql();
const db = createDb(client);
afterAll(() => client.end());
const at = (iso: string) => Date.parse(iso) / 1000;

describe('conversion statistics', () => {
  it('reads an event message: attributed or organic, revenue only with a currency', () => {
    const organic = toConversionEvent(eventJson({ ts: 1_800_000_000, event: 'purchase', revenue: '9.99', currency: 'EUR' }));
    expect(organic).toMatchObject({ linkId: 0, match: '', delayBucket: -1, revenue: '9.99', currency: 'EUR', event: 'purchase' });
    const attributed = toConversionEvent(eventJson({ ts: 1_800_000_000, linkId: 7, match: 'adid', secondsSinceClick: 5 }));
    expect(attributed).toMatchObject({ linkId: 7, match: 'adid', delayBucket: 0, revenue: null, currency: '' });
    expect(toConversionEvent(eventJson({ ts: 1_800_000_000, revenue: '1e9', currency: 'USD' }))).toMatchObject({ revenue: null });
    expect(toConversionEvent('{"type":"/t/click"}')).toEqual({ skip: 'other_type' });
    expect([delayBucket(0), delayBucket(9), delayBucket(10), delayBucket(86_400), delayBucket(10 ** 7)]).toEqual([0, 0, 1, 7, 9]);
  });

  it('counts each event once, in the same transaction as the offsets, and below the stored offset never', async () => {
    const link = await insertLink(client);
    const groupId = `conv-${link.id}`;
    const source = (offset: number) => ({ topic: 'events', partition: 0, offset: BigInt(offset) });
    const events = Array.from({ length: 20 }, (_, i) => conversionEvent({ linkId: link.id, ts: at('2026-03-10T10:00:00Z') + i, revenue: '0.10', currency: 'USD' }, source(i)));
    const first = await foldEvents(db, [], { groupId, positions: events.map((e) => e.source!), conversions: events });
    // Redelivered: below the stored offset (skipped before the dedupe rows are even looked at).
    const again = await foldEvents(db, [], { groupId, positions: events.map((e) => e.source!), conversions: events });
    // Without offsets (the embedded pipeline): the dedupe rows catch it.
    const embedded = await foldEvents(db, [], { conversions: events });
    expect(first.conversions).toBe(20);
    expect(again.conversions).toBeUndefined();
    expect(embedded.conversions).toBeUndefined();
    const [row] = await queryRows<{ n: string; revenue: string }>(db, sql`select sum(count)::text as n, trim_scale(sum(revenue))::text as revenue from stats_conversions where link_id = ${link.id}`);
    expect(row).toEqual({ n: '20', revenue: '2' });
  });

  describe('GET /api/v1/stats?metric=conversions', () => {
    let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
    let slug: string;
    let linkId: number;
    beforeAll(async () => {
      runtime = await startTestRuntime({ API_KEY });
      const link = await insertLink(client, { campaign: 'autumn', network: 'meta' });
      ({ slug, id: linkId } = link);
      const ts = at('2026-04-02T10:00:00Z');
      await foldEvents(
        db,
        Array.from({ length: 8 }, (_, i) => statsEvent({ linkId, ts: ts - 600 + i, campaign: 'autumn' })),
        {
          conversions: [
            conversionEvent({ linkId, ts, campaign: 'autumn', network: 'meta', secondsSinceClick: 4 }),
            conversionEvent({ linkId, ts, campaign: 'autumn', network: 'meta', secondsSinceClick: 400 }),
            conversionEvent({ linkId, ts: ts + 60, campaign: 'autumn', network: 'meta', event: 'purchase', revenue: '4.99', currency: 'USD' }),
            conversionEvent({ linkId, ts: ts + 60, campaign: 'autumn', network: 'meta', event: 'purchase', revenue: '5.01', currency: 'USD' }),
            conversionEvent({ linkId, ts: ts + 60, campaign: 'autumn', network: 'meta', event: 'purchase', revenue: '3', currency: 'EUR' }),
          ],
        },
      );
    });
    const get = (query: string) => runtime.app.request(`/api/v1/stats?${query}`, { headers: { authorization: `Bearer ${API_KEY}` } });

    it('answers installs, their rate over human clicks and the click-to-install times per network', async () => {
      const res = await get(`metric=conversions&event=install&link=${slug}&from=2026-04-02&to=2026-04-03&group_by=network`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body.totals).toMatchObject({ conversions: 2, organic: 0, clicks: 8, conversion_rate: 0.25, by_event: [{ event: 'install', conversions: 2, attributed: 2 }] });
      expect(body.groups).toEqual([{ value: 'meta', conversions: 2, clicks: 8, conversion_rate: 0.25 }]);
      const [meta] = body.delays;
      expect(meta.network).toBe('meta');
      expect(meta.buckets.filter((b: { count: number }) => b.count > 0).map((b: { bucket: string }) => b.bucket)).toEqual(['<10s', '5-30m']);
    });

    it('sums revenue per currency exactly, and serves the groups as CSV', async () => {
      const body = (await (await get(`metric=conversions&event=purchase&link=${slug}&from=2026-04-02&to=2026-04-03`)).json()) as any;
      expect(body.totals.revenue).toEqual([
        { currency: 'USD', amount: '10' },
        { currency: 'EUR', amount: '3' },
      ]);
      const csv = await (await get(`metric=conversions&link=${slug}&from=2026-04-02&to=2026-04-03&group_by=link&format=csv`)).text();
      expect(csv).toBe(`link,label,conversions,clicks,conversion_rate\r\n${linkId},${slug},5,8,0.625\r\n`);
    });

    it('names the field a conversions query cannot take', async () => {
      const res = await get('metric=conversions&browser=Chrome');
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain('browser');
      const clicks = await get('event=install');
      expect(clicks.status).toBe(400);
    });
  });
});
