import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.ts';
import { createLinkCache } from '../../src/links/link-cache.ts';
import { startLinkDeltaSync } from '../../src/links/link-delta-sync.ts';
import type { LinkPager, LinkSource } from '../../src/links/link.ts';
import { createLinkRepository } from '../../src/links/link-repository.ts';
import { createLinkStore } from '../../src/links/link-store.ts';
import { insertLink, silentLogger, testSql, uniqueSlug } from '../support/fixtures.ts';

// No change listener here: the periodic check alone must catch every change.
const sql = testSql();
const db = createDb(sql);
const store = createLinkStore(db);
afterAll(() => sql.end());

function setUp(options: { maxChanges?: number; overlapMs?: number; onSettled?: () => void } = {}) {
  const repository = createLinkRepository(db);
  const counts = { lookups: 0 };
  const source: LinkSource & LinkPager = {
    ...repository,
    findBySlugs: (slugs) => {
      counts.lookups++;
      return repository.findBySlugs(slugs);
    },
  };
  const cache = createLinkCache(source);
  // A long interval: the test calls check() itself.
  const sync = startLinkDeltaSync(source, cache, silentLogger, { intervalMs: 60_000, ...options });
  return { cache, sync, counts };
}

describe('link delta sync', () => {
  it('evicts a link updated since the last check, so the next click reads the new row', async () => {
    const link = await insertLink(sql, { slug: uniqueSlug('delta'), targets: { default: 'https://example.com/old' } });
    const { cache, sync, counts } = setUp();
    try {
      await sync.ready;
      expect((await cache.get(link.slug))?.targets.default).toBe('https://example.com/old');
      await store.update(link.slug, { targets: { default: 'https://example.com/new' } });
      expect(cache.cached(link.slug)?.targets.default).toBe('https://example.com/old');
      await sync.check();
      expect(cache.cached(link.slug)).toBeUndefined();
      expect((await cache.get(link.slug))?.targets.default).toBe('https://example.com/new');

      // Within the overlap the next check reads the same change again: it does not evict twice.
      const lookups = counts.lookups;
      await sync.check();
      expect(cache.cached(link.slug)?.targets.default).toBe('https://example.com/new');
      expect(counts.lookups).toBe(lookups);
    } finally {
      sync.stop();
    }
  });

  it('evicts a soft-deleted link: it answers unknown', async () => {
    const link = await insertLink(sql, { slug: uniqueSlug('delta-gone') });
    const { cache, sync } = setUp();
    try {
      await sync.ready;
      expect((await cache.get(link.slug))?.id).toBe(link.id);
      await store.remove(link.slug);
      await sync.check();
      expect(await cache.get(link.slug)).toBeNull();
    } finally {
      sync.stop();
    }
  });

  it('leaves links that did not change alone', async () => {
    const link = await insertLink(sql, { slug: uniqueSlug('delta-calm') });
    const { cache, sync } = setUp();
    try {
      await sync.ready;
      await cache.get(link.slug);
      await sync.check();
      expect(cache.cached(link.slug)?.id).toBe(link.id);
    } finally {
      sync.stop();
    }
  });

  it('clears the cache on a bulk change instead of reading it all, and says once when it has passed', async () => {
    const link = await insertLink(sql, { slug: uniqueSlug('delta-bystander') });
    // More than other test files change at once (the warm-up test inserts 1,500 links), so
    // only this test's bulk change goes past the bound.
    const prefix = uniqueSlug('delta-bulk');
    const bulk = await sql<{ id: number }[]>`insert into campaign_links (slug, campaign, targets)
      select ${prefix} || '-' || i, 'bulk', '{"default":"https://example.com/b"}'::jsonb from generate_series(1, 5001) as i returning id`;
    let settled = 0;
    // No overlap: the second check reads only what changed after the first.
    const { cache, sync } = setUp({ maxChanges: 5_000, overlapMs: 0, onSettled: () => settled++ });
    try {
      await sync.ready;
      expect((await cache.get(link.slug))?.id).toBe(link.id);
      await sql`update campaign_links set network = 'bulk' where id = any(${bulk.map((l) => l.id)})`;
      await sync.check();
      expect(cache.cached(link.slug)).toBeUndefined();
      expect(settled).toBe(0);
      expect((await cache.get(link.slug))?.id).toBe(link.id);
      await sync.check();
      expect(settled).toBe(1);
      expect(cache.cached(link.slug)?.id).toBe(link.id);
    } finally {
      sync.stop();
    }
  });
});
