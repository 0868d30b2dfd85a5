import { describe, expect, it } from 'vitest';
import { createLinkCache, LinkLookupError, type LookupOutcome } from '../../src/links/link-cache.ts';
import type { Link, LinkSource } from '../../src/links/link.ts';
import { linkFixture } from '../support/fixtures.ts';

function countingSource(links: Record<string, Link>) {
  const state = { queries: 0, fail: false, delayMs: 0, batches: [] as string[][] };
  const source: LinkSource = {
    async findBySlugs(slugs) {
      state.queries++;
      state.batches.push([...slugs]);
      if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
      if (state.fail) throw new Error('connection refused');
      return slugs.flatMap((slug) => (links[slug] ? [{ ...links[slug], slug }] : []));
    },
  };
  return { source, state };
}

describe('link cache', () => {
  it('serves repeated lookups from memory', async () => {
    const { source, state } = countingSource({ summer: linkFixture() });
    const outcomes: LookupOutcome[] = [];
    const cache = createLinkCache(source, {}, (o) => outcomes.push(o));
    for (let i = 0; i < 100; i++) expect((await cache.get('summer'))?.slug).toBe('summer');
    expect(state.queries).toBe(1);
    expect(outcomes.filter((o) => o === 'hit')).toHaveLength(99);
  });

  it('shares one query between concurrent misses for a slug', async () => {
    const { source, state } = countingSource({ summer: linkFixture() });
    state.delayMs = 20;
    const cache = createLinkCache(source);
    await Promise.all(Array.from({ length: 50 }, () => cache.get('summer')));
    expect(state.queries).toBe(1);
  });

  it('remembers unknown slugs for a short time, so a flood of them costs one query each', async () => {
    const { source, state } = countingSource({});
    const cache = createLinkCache(source, { negativeTtlMs: 50 });
    for (let i = 0; i < 20; i++) expect(await cache.get('nope')).toBeNull();
    expect(state.queries).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    await cache.get('nope');
    expect(state.queries).toBe(2);
  });

  it('is bounded', async () => {
    const { source } = countingSource({});
    const cache = createLinkCache(source, { maxEntries: 10 });
    for (let i = 0; i < 100; i++) await cache.get(`slug-${i}`);
    expect(cache.size).toBe(10);
  });

  it('serves the last known link through a database outage: cached links do not expire', async () => {
    const { source, state } = countingSource({ summer: linkFixture() });
    const outcomes: LookupOutcome[] = [];
    const cache = createLinkCache(source, {}, (o) => outcomes.push(o));
    await cache.get('summer');
    await new Promise((r) => setTimeout(r, 40));
    state.fail = true;
    expect((await cache.get('summer'))?.slug).toBe('summer');
    expect(outcomes).toEqual(['miss', 'hit']);
    expect(state.queries).toBe(1);
  });

  it('fails with a LinkLookupError when the database fails and nothing is cached', async () => {
    const { source, state } = countingSource({});
    state.fail = true;
    await expect(createLinkCache(source).get('summer')).rejects.toBeInstanceOf(LinkLookupError);
  });

  it('does not wait for a slow database longer than the lookup timeout', async () => {
    const { source, state } = countingSource({ summer: linkFixture() });
    state.delayMs = 500;
    const started = performance.now();
    await expect(createLinkCache(source, { lookupTimeoutMs: 30 }).get('summer')).rejects.toThrow(/timed out/);
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('forgets an invalidated slug, even when the invalidation races a query', async () => {
    const links = { summer: linkFixture() };
    const { source } = countingSource(links);
    const cache = createLinkCache(source);
    await cache.get('summer');
    links.summer = linkFixture({ targets: { default: 'https://example.com/new' } });
    cache.invalidate('summer');
    expect((await cache.get('summer'))?.targets.default).toBe('https://example.com/new');

    // The query reads the old row, then the row changes and the notification arrives
    // while the query's answer is still on its way: that answer must not be cached.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let queryStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => (queryStarted = resolve));
    const findBySlugs = source.findBySlugs;
    source.findBySlugs = async (slugs) => {
      const answer = await findBySlugs(slugs);
      queryStarted();
      await held;
      return answer;
    };
    links.summer = linkFixture({ targets: { default: 'https://example.com/old-in-flight' } });
    cache.invalidate('summer');
    const inFlight = cache.get('summer');
    await started;
    links.summer = linkFixture({ targets: { default: 'https://example.com/newest' } });
    cache.invalidate('summer');
    source.findBySlugs = findBySlugs;
    release();
    await inFlight;
    expect((await cache.get('summer'))?.targets.default).toBe('https://example.com/newest');
  });

  it('answers a new link whose first two lookups were each raced by an invalidation (its NOTIFY, then a delta check)', async () => {
    let calls = 0;
    const source: LinkSource = {
      findBySlugs: async (slugs) => {
        if (++calls <= 2) cache.invalidate('summer');
        return slugs.map((slug) => linkFixture({ slug }));
      },
    };
    const cache = createLinkCache(source);
    expect((await cache.get('summer'))?.slug).toBe('summer');
    expect(calls).toBe(3);
  });

  it('serves a cached link at once while the database hangs, without asking it', async () => {
    const { source, state } = countingSource({ summer: linkFixture() });
    const cache = createLinkCache(source, { lookupTimeoutMs: 1_000 });
    await cache.get('summer');
    state.delayMs = 60_000; // a query that does not come back while the test runs
    const started = performance.now();
    for (let i = 0; i < 50; i++) expect((await cache.get('summer'))?.slug).toBe('summer');
    expect(performance.now() - started).toBeLessThan(200);
    expect(state.queries).toBe(1);
  });

  it('fails a miss at once when too many queries already wait, instead of piling them up', async () => {
    const { source, state } = countingSource({});
    state.delayMs = 60_000;
    const cache = createLinkCache(source, { lookupTimeoutMs: 5_000, maxQueriesInFlight: 3 });
    const waiting = ['a', 'b', 'c'].map((slug) => cache.get(slug).catch(() => 'failed'));
    const started = performance.now();
    await expect(cache.get('d')).rejects.toBeInstanceOf(LinkLookupError);
    expect(performance.now() - started).toBeLessThan(100);
    // The three misses of one turn share one query; the fourth never reaches the database.
    await expect.poll(() => state.queries).toBe(1);
    expect(state.batches[0]).toEqual(['a', 'b', 'c']);
    void waiting;
  });

  it('gives up on a query that never settles, so a later lookup asks again', async () => {
    let calls = 0;
    const source: LinkSource = {
      findBySlugs: (slugs) => (++calls === 1 ? new Promise<never>(() => {}) : Promise.resolve(slugs.map((slug) => linkFixture({ slug })))),
    };
    const cache = createLinkCache(source, { lookupTimeoutMs: 20 });
    await expect(cache.get('summer')).rejects.toBeInstanceOf(LinkLookupError);
    // The hung query is abandoned after max(5 x lookup timeout, 5 s).
    await expect.poll(async () => (await cache.get('summer').catch(() => null))?.slug, { timeout: 10_000, interval: 200 }).toBe('summer');
    expect(calls).toBe(2);
  }, 15_000);

  it('looks up the misses of one event-loop turn with one query', async () => {
    const links = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`s${i}`, linkFixture({ id: i })]));
    const { source, state } = countingSource(links);
    const cache = createLinkCache(source);
    const found = await Promise.all(Array.from({ length: 40 }, (_, i) => cache.get(`s${i}`)));
    expect(found.map((link) => link?.id)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(state.queries).toBe(1);
    expect(state.batches[0]).toHaveLength(40);
  });

  it('shares a batch between repeated and distinct slugs, asking for each slug once', async () => {
    const { source, state } = countingSource({ a: linkFixture(), b: linkFixture() });
    state.delayMs = 20;
    const cache = createLinkCache(source);
    await Promise.all(['a', 'b', 'a', 'c', 'b', 'a'].map((slug) => cache.get(slug)));
    expect(state.queries).toBe(1);
    expect(state.batches[0]!.sort()).toEqual(['a', 'b', 'c']);
  });

  it('remembers every unknown slug of a batch on its own', async () => {
    const { source, state } = countingSource({ known: linkFixture() });
    const cache = createLinkCache(source, { negativeTtlMs: 60_000 });
    const slugs = ['known', ...Array.from({ length: 20 }, (_, i) => `unknown-${i}`)];
    const first = await Promise.all(slugs.map((slug) => cache.get(slug)));
    expect(first.filter((link) => link === null)).toHaveLength(20);
    // A hit builds the link from its compact entry: equal each time, not always the same object.
    for (const slug of slugs) expect(cache.cached(slug)).toEqual(slug === 'known' ? { ...linkFixture(), slug: 'known' } : null);
    await Promise.all(slugs.map((slug) => cache.get(slug)));
    expect(state.queries).toBe(1);
  });

  it('fails every lookup of a batch whose query fails, and serves the links it has', async () => {
    const { source, state } = countingSource({ a: linkFixture(), b: linkFixture() });
    const cache = createLinkCache(source);
    await cache.get('a');
    state.fail = true;
    const [a, b] = await Promise.allSettled([cache.get('a'), cache.get('b')]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { slug: 'a' } });
    expect(b).toMatchObject({ status: 'rejected', reason: expect.any(LinkLookupError) });
  });

  it('splits a very large turn of misses into queries of a bounded size', async () => {
    const { source, state } = countingSource({});
    const cache = createLinkCache(source);
    await Promise.all(Array.from({ length: 1_200 }, (_, i) => cache.get(`x${i}`)));
    expect(state.batches.map((b) => b.length)).toEqual([500, 500, 200]);
  });

  it('keeps links compact: links that repeat a campaign and targets share them', async () => {
    const { source } = countingSource({
      a: linkFixture({ id: 1, campaign: 'spring sale'.repeat(2), targets: { ios: 'https://apps.apple.com/app/id1', default: 'https://example.com/x' } }),
      b: linkFixture({ id: 2, campaign: 'spring sale'.repeat(2), targets: { ios: 'https://apps.apple.com/app/id1', default: 'https://example.com/x' } }),
    });
    const cache = createLinkCache(source);
    const [a, b] = await Promise.all([cache.get('a'), cache.get('b')]);
    expect(a!.slug).toBe('a');
    expect(a!.targets).toBe(b!.targets);
    expect(a!.targets).toEqual({ ios: 'https://apps.apple.com/app/id1', default: 'https://example.com/x' });
    expect(Object.isFrozen(a!.targets)).toBe(true);
    expect(a!.campaign).toBe(b!.campaign);
  });

  it('holds as many links as its memory budget allows, counting shared values once', async () => {
    const distinct = (i: number) =>
      linkFixture({ id: i, campaign: `campaign-${i}`, adgroup: `adgroup-${i}`, targets: { ios: `https://apps.apple.com/app/id${i}`, default: `https://example.com/${i}` } });
    const source: LinkSource = { findBySlugs: async (slugs) => slugs.map((slug, i) => ({ ...distinct(Number(slug.slice(1)) || i), slug })) };
    const cache = createLinkCache(source, { maxMb: 1 });
    for (let i = 0; i < 10_000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => cache.get(`d${i + j}`)));
    expect(cache.bytes).toBeLessThanOrEqual(1024 * 1024);
    const distinctHeld = cache.size;
    expect(distinctHeld).toBeGreaterThan(1_000);
    expect(distinctHeld).toBeLessThan(10_000);

    // Links of one campaign share their strings and targets: the same budget holds more.
    const sameCampaign: LinkSource = { findBySlugs: async (slugs) => slugs.map((slug) => ({ ...linkFixture(), slug })) };
    const shared = createLinkCache(sameCampaign, { maxMb: 1 });
    for (let i = 0; i < 10_000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => shared.get(`s${i + j}`)));
    expect(shared.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(shared.size).toBeGreaterThan(distinctHeld * 1.5);
  });

  it('holds at most maxEntries links when a count is given', async () => {
    const { source } = countingSource({});
    const cache = createLinkCache(source, { maxEntries: 10, maxMb: 64 });
    for (let i = 0; i < 100; i++) await cache.get(`slug-${i}`);
    expect(cache.size).toBe(10);
  });
});
