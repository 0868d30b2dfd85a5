import { describe, expect, it } from 'vitest';
import { DEFAULT_LINK_CACHE_MAX_MB, loadWebConfig, retiredSettingWarnings } from '../../src/config/web.ts';

describe('link cache settings', () => {
  it('bound the cache by a memory budget by default, with no count', () => {
    const config = loadWebConfig({});
    expect(config.LINK_CACHE_MAX_MB).toBe(DEFAULT_LINK_CACHE_MAX_MB);
    expect(config.LINK_CACHE_MAX_ENTRIES).toBeUndefined();
  });

  it('take a budget and a count', () => {
    const config = loadWebConfig({ LINK_CACHE_MAX_MB: '128', LINK_CACHE_MAX_ENTRIES: '1000' });
    expect(config.LINK_CACHE_MAX_MB).toBe(128);
    expect(config.LINK_CACHE_MAX_ENTRIES).toBe(1000);
  });

  it('refuse a budget that is not a whole number of MB, naming the variable', () => {
    expect(() => loadWebConfig({ LINK_CACHE_MAX_MB: 'lots' })).toThrow(/LINK_CACHE_MAX_MB/);
    expect(() => loadWebConfig({ LINK_CACHE_MAX_MB: '0' })).toThrow(/LINK_CACHE_MAX_MB/);
    expect(() => loadWebConfig({ LINK_CACHE_MAX_ENTRIES: '-5' })).toThrow(/LINK_CACHE_MAX_ENTRIES/);
  });
});

describe('retired settings', () => {
  it('warn about LINK_CACHE_TTL_MS when it is still set, and only then', () => {
    expect(retiredSettingWarnings({ LINK_CACHE_TTL_MS: '60000' })).toEqual([expect.stringMatching(/^LINK_CACHE_TTL_MS is no longer read: .*LINK_CACHE_SYNC_MS/)]);
    expect(retiredSettingWarnings({ LINK_CACHE_TTL_MS: '' })).toEqual([]);
    expect(retiredSettingWarnings({})).toEqual([]);
  });
});
