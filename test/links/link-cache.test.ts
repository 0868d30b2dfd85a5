import { describe, expect, it } from 'vitest';
import { createLinkCache, LinkLookupError, type LookupOutcome } from '../../src/links/link-cache.ts';
import type { Link, LinkSource } from '../../src/links/link.ts';
import { linkFixture } from '../support/fixtures.ts';

function countingSource(links: Record<string, Link>) {
  const state = { queries: 0, fail: false, delayMs: 0 };
  const source: LinkSource = {
    async findBySlug(slug) {
      state.queries++;
      if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
      if (state.fail) throw new Error('connection refused');
      return links[slug] ?? null;
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

  it('serves the last known link when the database fails after the TTL', async () => {
    const { source, state } = countingSource({ summer: linkFixture() });
    const outcomes: LookupOutcome[] = [];
    const cache = createLinkCache(source, { ttlMs: 20 }, (o) => outcomes.push(o));
    await cache.get('summer');
    await new Promise((r) => setTimeout(r, 40));
    state.fail = true;
    expect((await cache.get('summer'))?.slug).toBe('summer');
    expect(outcomes).toContain('stale');
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
    const findBySlug = source.findBySlug;
    source.findBySlug = async (slug) => {
      const answer = await findBySlug(slug);
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
    source.findBySlug = findBySlug;
    release();
    await inFlight;
    expect((await cache.get('summer'))?.targets.default).toBe('https://example.com/newest');
  });

  it('serves a stale link at once while the database hangs, with one refresh in flight', async () => {
    const { source, state } = countingSource({ summer: linkFixture() });
    const outcomes: LookupOutcome[] = [];
    const cache = createLinkCache(source, { ttlMs: 20, lookupTimeoutMs: 1_000 }, (o) => outcomes.push(o));
    await cache.get('summer');
    await new Promise((r) => setTimeout(r, 40));
    state.delayMs = 60_000; // a query that does not come back while the test runs
    const started = performance.now();
    for (let i = 0; i < 50; i++) expect((await cache.get('summer'))?.slug).toBe('summer');
    expect(performance.now() - started).toBeLessThan(200);
    expect(state.queries).toBe(2);
    expect(outcomes.filter((o) => o === 'stale')).toHaveLength(50);
  });

  it('fails a miss at once when too many queries already wait, instead of piling them up', async () => {
    const { source, state } = countingSource({});
    state.delayMs = 60_000;
    const cache = createLinkCache(source, { lookupTimeoutMs: 5_000, maxQueriesInFlight: 3 });
    const waiting = ['a', 'b', 'c'].map((slug) => cache.get(slug).catch(() => 'failed'));
    const started = performance.now();
    await expect(cache.get('d')).rejects.toBeInstanceOf(LinkLookupError);
    expect(performance.now() - started).toBeLessThan(100);
    expect(state.queries).toBe(3);
    void waiting;
  });

  it('gives up on a query that never settles, so a later lookup asks again', async () => {
    let calls = 0;
    const source: LinkSource = {
      findBySlug: () => (++calls === 1 ? new Promise<never>(() => {}) : Promise.resolve(linkFixture())),
    };
    const cache = createLinkCache(source, { lookupTimeoutMs: 20 });
    await expect(cache.get('summer')).rejects.toBeInstanceOf(LinkLookupError);
    // The hung query is abandoned after max(5 x lookup timeout, 5 s).
    await expect.poll(async () => (await cache.get('summer').catch(() => null))?.slug, { timeout: 10_000, interval: 200 }).toBe('summer');
    expect(calls).toBe(2);
  }, 15_000);
});
