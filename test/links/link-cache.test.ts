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
    const { source, state } = countingSource(links);
    const cache = createLinkCache(source);
    await cache.get('summer');
    links.summer = linkFixture({ targets: { default: 'https://example.com/new' } });
    cache.invalidate('summer');
    expect((await cache.get('summer'))?.targets.default).toBe('https://example.com/new');

    state.delayMs = 30;
    links.summer = linkFixture({ targets: { default: 'https://example.com/old-in-flight' } });
    cache.invalidate('summer');
    const inFlight = cache.get('summer');
    await new Promise((r) => setTimeout(r, 5));
    links.summer = linkFixture({ targets: { default: 'https://example.com/newest' } });
    cache.invalidate('summer');
    await inFlight;
    expect((await cache.get('summer'))?.targets.default).toBe('https://example.com/newest');
  });
});
