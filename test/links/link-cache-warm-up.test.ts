import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/database.ts';
import { createLinkCache } from '../../src/links/link-cache.ts';
import { createCacheWarmer } from '../../src/links/link-cache-warm-up.ts';
import { listenForLinkChanges } from '../../src/links/link-change-listener.ts';
import type { Link, LinkPager, LinkSource } from '../../src/links/link.ts';
import { createLinkRepository } from '../../src/links/link-repository.ts';
import { createLinkStore } from '../../src/links/link-store.ts';
import { insertLink, silentLogger, testDatabaseUrl, testSql, uniqueSlug } from '../support/fixtures.ts';

const database = openPostgres(testDatabaseUrl(), { max: 4 });
const sql = testSql();
const store = createLinkStore(database.db);
afterAll(async () => {
  await database.close();
  await sql.end();
});

/** The repository, counting the lookups of single slugs (the click path's misses). */
function countedRepository() {
  const repository = createLinkRepository(database.db);
  const counts = { lookups: 0, pages: 0 };
  const source: LinkSource & LinkPager = {
    findBySlugs: (slugs) => {
      counts.lookups++;
      return repository.findBySlugs(slugs);
    },
    pageByRecency: (after, limit) => {
      counts.pages++;
      return repository.pageByRecency(after, limit);
    },
    changedSince: (since, overlapMs, limit) => repository.changedSince(since, overlapMs, limit),
  };
  return { source, counts };
}

async function insertMany(n: number, prefix: string): Promise<string[]> {
  const slugs = Array.from({ length: n }, () => uniqueSlug(prefix));
  await sql`insert into campaign_links (slug, campaign, targets) select s, 'warm', '{"default":"https://example.com/w"}'::jsonb from unnest(${slugs}::text[]) as s`;
  return slugs;
}

describe('link cache warm-up', () => {
  it('caches every live link of the database, so no click of them asks Postgres', async () => {
    const slugs = await insertMany(1_500, 'warm');
    const { source, counts } = countedRepository();
    const cache = createLinkCache(source, { maxMb: 64 });
    const warmer = createCacheWarmer(source, cache, silentLogger, { pageSize: 200 });
    await warmer.start();
    expect(warmer.state).toBe('warm');
    expect(counts.pages).toBeGreaterThanOrEqual(8);
    expect(warmer.last?.links).toBeGreaterThanOrEqual(1_500);
    for (const slug of slugs) expect((await cache.get(slug))?.slug).toBe(slug);
    expect(counts.lookups).toBe(0);
  });

  it('is not warm when the cache was cleared while it ran: whoever cleared it warms again', async () => {
    await insertMany(600, 'cut');
    const { source } = countedRepository();
    const cache = createLinkCache(source, { maxMb: 64 });
    let pages = 0;
    // The cache is cleared (a bulk change, a listener reconnect) after the second page is read.
    const clearing: LinkPager = {
      ...source,
      pageByRecency: async (after, limit) => {
        const page = await source.pageByRecency(after, limit);
        if (++pages === 2) cache.clear();
        return page;
      },
    };
    const warmer = createCacheWarmer(clearing, cache, silentLogger, { pageSize: 100 });
    await warmer.start();
    expect(warmer.state).toBe('idle');
    expect(warmer.last).toBeUndefined();
  });

  it('pages through links of the same updated_at without losing or repeating one', async () => {
    const slugs = new Set(await insertMany(250, 'same'));
    const repository = createLinkRepository(database.db);
    const seen: string[] = [];
    let cursor = null;
    do {
      const page: Awaited<ReturnType<typeof repository.pageByRecency>> = await repository.pageByRecency(cursor, 37);
      for (const link of page.links) if (slugs.has(link.slug)) seen.push(link.slug);
      cursor = page.next;
    } while (cursor);
    expect(seen.sort()).toEqual([...slugs].sort());
  });

  it('leaves deleted links out: they answer unknown', async () => {
    const gone = await insertLink(sql, { slug: uniqueSlug('gone') });
    await store.remove(gone.slug);
    const { source } = countedRepository();
    const cache = createLinkCache(source);
    await createCacheWarmer(source, cache, silentLogger).start();
    expect(cache.cached(gone.slug)).toBeUndefined();
    expect(await cache.get(gone.slug)).toBeNull();
  });

  it('does not cache the old row of a link changed while its page was being read', async () => {
    const link = await insertLink(sql, { slug: uniqueSlug('racing'), targets: { default: 'https://example.com/old' } });
    const { source } = countedRepository();
    const cache = createLinkCache(source);
    const invalidated = new Set<string>();
    const invalidate = (slug: string) => {
      invalidated.add(slug);
      cache.invalidate(slug);
    };
    const listener = listenForLinkChanges(database.notifications, { invalidate, clear: () => cache.clear() }, silentLogger);
    await listener.ready;
    try {
      // The page is read, then the link changes and its notification arrives before the
      // page is cached: the page's row is the old one.
      const racing: LinkSource & LinkPager = {
        ...source,
        async pageByRecency(after, limit) {
          const page = await source.pageByRecency(after, limit);
          if (page.links.some((l: Link) => l.slug === link.slug)) {
            await store.update(link.slug, { targets: { default: 'https://example.com/new' } });
            await expect.poll(() => invalidated.has(link.slug)).toBe(true);
          }
          return page;
        },
      };
      await createCacheWarmer(racing, cache, silentLogger).start();
      expect((await cache.get(link.slug))?.targets.default).toBe('https://example.com/new');
    } finally {
      await listener.stop();
    }
  });

  it('stops when the budget is spent, without evicting links clicks brought in', async () => {
    await insertMany(3_000, 'budget');
    // Older than everything else (an insert does not touch updated_at): the warm-up, newest
    // first, would reach it last.
    const early = await insertLink(sql, { slug: uniqueSlug('early'), updatedAt: new Date('2000-01-01T00:00:00Z') });
    const { source } = countedRepository();
    const cache = createLinkCache(source, { maxMb: 0.1 });
    await cache.get(early.slug);
    await createCacheWarmer(source, cache, silentLogger, { pageSize: 500 }).start();
    expect(cache.full).toBe(true);
    expect(cache.bytes).toBeLessThanOrEqual(0.1 * 2 ** 20);
    expect(cache.cached(early.slug)?.id).toBe(early.id);
  });
});
