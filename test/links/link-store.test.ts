import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Sql } from '../../src/db/client.ts';
import { createLinkStore, randomSlug } from '../../src/links/link-store.ts';
import { insertLink, TARGETS, testSql, uniqueSlug } from '../support/fixtures.ts';

describe('link store', () => {
  let sql: Sql;
  beforeAll(() => {
    sql = testSql();
  });
  afterAll(() => sql.end());

  it('generates 8-character URL-safe slugs that never read as an id or an option', () => {
    const slugs = Array.from({ length: 2_000 }, randomSlug);
    for (const slug of slugs) expect(slug).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{6}[A-Za-z0-9]$/);
    expect(slugs.some((s) => /^\d+$/.test(s))).toBe(false);
    expect(new Set(slugs).size).toBe(slugs.length);
  });

  it('tries another generated slug when one is taken, live or deleted', async () => {
    const live = await insertLink(sql);
    const deleted = await insertLink(sql, { deletedAt: new Date() });
    const fresh = uniqueSlug('fresh');
    const offered = [live.slug, deleted.slug, fresh];
    const store = createLinkStore(createDb(sql), { generateSlug: () => offered.shift() ?? 'unused' });
    const link = await store.create({ targets: TARGETS });
    expect(link.slug).toBe(fresh);
  });

  it('gives up with an error after repeated collisions instead of looping', async () => {
    const taken = await insertLink(sql);
    const store = createLinkStore(createDb(sql), { generateSlug: () => taken.slug });
    await expect(store.create({ targets: TARGETS })).rejects.toThrow(/no free slug/);
  });

  it('stores empty text as null, so filters treat "" and no value alike', async () => {
    const store = createLinkStore(createDb(sql));
    const link = await store.create({ targets: TARGETS, campaign: '', network: '' });
    expect(link.campaign).toBeNull();
    expect(link.network).toBeNull();
  });

  it('refuses to update a deleted link as not found', async () => {
    const store = createLinkStore(createDb(sql));
    const link = await insertLink(sql, { deletedAt: new Date() });
    await expect(store.update(link.slug, { campaign: 'x' })).rejects.toMatchObject({ name: 'LinkStoreError', code: 'not_found' });
    expect(await store.find(String(link.id))).toBeNull();
  });
});
