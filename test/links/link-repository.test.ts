import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.ts';
import { createLinkCache } from '../../src/links/link-cache.ts';
import { createLinkRepository } from '../../src/links/link-repository.ts';
import { createLinkStore } from '../../src/links/link-store.ts';
import { insertLink, testDatabaseUrl, uniqueSlug } from '../support/fixtures.ts';

// Every statement the driver sends to Postgres is counted, so "one query" is Postgres's
// view, not the cache's.
const sent: string[] = [];
const sql = postgres(testDatabaseUrl(), { max: 4, onnotice: () => {}, debug: (_conn, query) => void sent.push(query) });
const db = createDb(sql);
afterAll(() => sql.end());

describe('link repository and cache against Postgres', () => {
  it('answers concurrent misses of distinct slugs with one query, unknown and deleted slugs included', async () => {
    const live = await Promise.all(Array.from({ length: 25 }, (_, i) => insertLink(sql, { slug: uniqueSlug('batch'), campaign: `c${i}` })));
    const deleted = await insertLink(sql, { slug: uniqueSlug('gone') });
    await createLinkStore(db).remove(deleted.slug);
    const unknown = Array.from({ length: 4 }, () => uniqueSlug('nope'));
    const cache = createLinkCache(createLinkRepository(db), { negativeTtlMs: 60_000 });

    sent.length = 0;
    const slugs = [...live.map((l) => l.slug), deleted.slug, ...unknown];
    const found = await Promise.all(slugs.map((slug) => cache.get(slug)));
    const lookups = sent.filter((q) => q.includes('= any('));
    expect(lookups).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(found.slice(0, 25).map((l) => l?.campaign)).toEqual(live.map((l) => l.campaign));
    expect(found.slice(0, 25).map((l) => l?.id)).toEqual(live.map((l) => l.id));
    expect(found.slice(25)).toEqual([null, null, null, null, null]);

    // Found and unknown alike are cached now: asking again sends nothing.
    await Promise.all(slugs.map((slug) => cache.get(slug)));
    expect(sent).toHaveLength(1);
  });

  it('returns exactly the live links asked for, with what the click path needs', async () => {
    const link = await insertLink(sql, { slug: uniqueSlug('fields'), storeParams: false, forwardQuery: true, appStoreCampaignToken: 'ct1' });
    const [found, ...rest] = await createLinkRepository(db).findBySlugs([link.slug, uniqueSlug('none')]);
    expect(rest).toEqual([]);
    expect(found).toEqual({
      id: link.id,
      slug: link.slug,
      campaign: link.campaign,
      adgroup: link.adgroup,
      ad: link.ad,
      network: link.network,
      targets: link.targets,
      attributionWindowIdfa: link.attributionWindowIdfa,
      attributionWindowFingerprint: link.attributionWindowFingerprint,
      storeParams: false,
      appStoreCampaignToken: 'ct1',
      appStoreProviderToken: null,
      forwardQuery: true,
      // The rules feature's fields: none set.
      startsAt: null,
      expiresAt: null,
      expiredUrl: null,
      maxClicks: null,
      rules: null,
    });
  });

  it('reads the rules fields as the click path needs them: dates, click limit, rules, ids of any size', async () => {
    const rules = [{ name: 'ios-fb', when: { platforms: ['ios' as const], query: [{ param: 'src', equals: 'fb' }] }, target: 'https://r1.example/?a="b"&c=\\d' }];
    const link = await insertLink(sql, {
      slug: uniqueSlug('ruled'),
      campaign: 'ünïcode "quoted"',
      startsAt: new Date('2026-06-01T00:00:00.123Z'),
      expiresAt: new Date('2030-01-01T12:34:56Z'),
      expiredUrl: 'https://example.com/over',
      maxClicks: 5,
      rules,
    });
    // JSON carries timestamps as text with the session's offset: a session in another time
    // zone must read the same instants.
    const elsewhere = postgres(testDatabaseUrl(), { max: 1, onnotice: () => {}, connection: { TimeZone: 'Asia/Kolkata' } });
    const [found] = await createLinkRepository(createDb(elsewhere)).findBySlugs([link.slug]).finally(() => elsewhere.end());
    expect(found).toMatchObject({ id: link.id, campaign: 'ünïcode "quoted"', expiredUrl: 'https://example.com/over', maxClicks: 5, rules });
    expect(found!.startsAt).toEqual(new Date('2026-06-01T00:00:00.123Z'));
    expect(found!.expiresAt).toEqual(new Date('2030-01-01T12:34:56Z'));
  });
});
