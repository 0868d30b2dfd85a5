import { describe, expect, it } from 'vitest';
import { CompactLinkStore } from '../../src/links/compact-link-store.ts';
import { SLUG_ENTRY_BYTES } from '../../src/links/slug-table.ts';
import { linkFixture } from '../support/fixtures.ts';

const perPublisher = (i: number) => linkFixture({ id: i, slug: `p-${i}`, campaign: `campaign-${i % 10}`, targets: { ios: `https://apps.apple.com/app/id${i % 10}` } });

describe('compact link store', () => {
  it('gives back each link as it was cached, built from its entry and its profile', () => {
    const store = new CompactLinkStore(1 << 20);
    const link = linkFixture({ id: 2 ** 40 + 7, slug: 'summer', maxClicks: 5, startsAt: new Date('2026-01-01T00:00:00Z'), rules: [] });
    store.set('summer', link);
    expect(store.get('summer')).toEqual(link);
    expect(store.get('winter')).toBeUndefined();
  });

  it('shares one profile between links that differ only in id and slug', () => {
    const store = new CompactLinkStore(1 << 20);
    for (let i = 0; i < 100; i++) store.set(`p-${i}`, perPublisher(i));
    expect(store.size).toBe(100);
    expect(store.profileCount).toBe(10);
    const [a, b] = [store.get('p-3'), store.get('p-13')];
    expect(a?.id).toBe(3);
    expect(b?.id).toBe(13);
    expect(a?.targets).toBe(b?.targets);
    expect(Object.isFrozen(a?.targets)).toBe(true);
    expect(store.get('p-4')?.targets).not.toBe(a?.targets);
  });

  it('counts an entry and each profile once, and gives back a profile no link uses any more', () => {
    const store = new CompactLinkStore(1 << 20);
    store.set('p-1', perPublisher(1));
    const oneProfile = store.bytes - SLUG_ENTRY_BYTES;
    expect(oneProfile).toBeGreaterThan(200);
    store.set('p-11', perPublisher(11));
    expect(store.bytes).toBe(2 * SLUG_ENTRY_BYTES + oneProfile);
    store.delete('p-1');
    expect(store.profileCount).toBe(1);
    store.delete('p-11');
    expect(store.profileCount).toBe(0);
    expect(store.bytes).toBe(0);
  });

  it('stays within its budget, evicting links not used since the clock last passed', () => {
    const budget = 64 * 1024;
    const store = new CompactLinkStore(budget);
    const kept = ['p-0', 'p-1', 'p-2'];
    for (let i = 0; i < 5_000; i++) {
      store.set(`p-${i}`, perPublisher(i));
      for (const slug of kept) store.get(slug);
      expect(store.bytes).toBeLessThanOrEqual(budget);
    }
    expect(store.size).toBeGreaterThan(1_000);
    expect(store.size).toBeLessThan(5_000);
    for (const slug of kept) expect(store.get(slug)?.slug).toBe(slug);
    expect(store.get('p-4999')?.id).toBe(4999);
  });

  it('refuses a link when full instead of evicting, when asked to', () => {
    const store = new CompactLinkStore(16 * 1024);
    let refused = -1;
    for (let i = 0; i < 5_000 && refused < 0; i++) if (!store.set(`p-${i}`, perPublisher(i), false)) refused = i;
    expect(refused).toBeGreaterThan(0);
    expect(store.full).toBe(true);
    expect(store.get('p-0')?.id).toBe(0);
    // Nor does a link with a profile of its own push others out.
    const size = store.size;
    expect(store.set('own', linkFixture({ slug: 'own', campaign: 'a campaign of its own' }), false)).toBe(false);
    expect(store.size).toBe(size);
    expect(store.profileCount).toBe(10);
  });

  it('finds every remaining slug after deleting at random, long and non-Latin slugs included', () => {
    const store = new CompactLinkStore(64 << 20);
    const slug = (i: number) => (i % 7 === 0 ? `a-much-longer-custom-slug-${i}` : i % 11 === 0 ? `ссылка-${i}` : `s${i}`);
    for (let i = 0; i < 20_000; i++) store.set(slug(i), linkFixture({ id: i, slug: slug(i) }));
    const removed = new Set<number>();
    for (let i = 0; i < 20_000; i += 1 + (i % 3)) {
      store.delete(slug(i));
      removed.add(i);
    }
    for (let i = 0; i < 20_000; i++) expect(store.get(slug(i))?.id).toBe(removed.has(i) ? undefined : i);
    expect(store.size).toBe(20_000 - removed.size);
  });

  it('forgets a deleted or replaced hot link at once', () => {
    const store = new CompactLinkStore(1 << 20);
    store.set('hot', linkFixture({ slug: 'hot' }));
    for (let i = 0; i < 5; i++) store.get('hot');
    store.set('hot', linkFixture({ slug: 'hot', targets: { default: 'https://example.com/new' } }));
    expect(store.get('hot')?.targets.default).toBe('https://example.com/new');
    store.delete('hot');
    expect(store.get('hot')).toBeUndefined();
  });
});
