import { describe, expect, it } from 'vitest';
import { clickParams, impressionParams, VISITOR_PARAMS_MAX_BYTES } from '../../../src/web/tracking/event-params.ts';
import { readAdIds } from '../../../src/web/click/ad-ids.ts';
import { attribution } from '../../../src/web/click/attribution.ts';
import { encodeParams } from '../../../src/shared/click-line.ts';
import { linkFixture } from '../../support/fixtures.ts';

const CLICK_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const link = linkFixture({ campaign: null });

/** The params field as the worker reads it; each name at most once. */
function decoded(field: string): Record<string, string> {
  const entries = [...new URLSearchParams(field)];
  const result = Object.fromEntries(entries);
  expect(Object.keys(result)).toHaveLength(entries.length);
  return result;
}

function params(visitorQuery: Record<string, string>) {
  const ids = readAdIds(visitorQuery);
  const attr = attribution({ ids, query: visitorQuery, ip: '8.8.8.8', platform: 'ios', tsSeconds: 1_700_000_000, link, privacy: false });
  return decoded(clickParams({ clickId: CLICK_ID, link, platform: 'ios', redirectUrl: 'https://x.test', attribution: attr, visitorQuery }));
}

describe('clickParams', () => {
  it('carries the link, the platform, the target, the attribution fields and the rest as reqparams', () => {
    expect(params({ adid: '445666366bc548deb4ae7df9df06b356', gclid: 'G', q: 'a b&c' })).toEqual({
      click_id: CLICK_ID,
      link_id: '1',
      slug: 'summer',
      campaign: '',
      adgroup: 'ag',
      ad: 'ad',
      network: 'meta',
      platform: 'ios',
      redirect_url: 'https://x.test',
      adid: '44566636-6BC5-48DE-B4AE-7DF9DF06B356',
      idfa_comb: '44566636-6BC5-48DE-B4AE-7DF9DF06B356',
      lookup_key: 'eb2e4ebe9bf98f8c92efc5f2cb468b18',
      attr_window_from: '1700000000',
      attr_window_till: String(1_700_000_000 + 10080 * 60),
      reqparams: 'gclid=G&q=a%20b%26c',
    });
  });

  it('escapes every value exactly as the shared codec does', () => {
    const odd = linkFixture({ slug: 'a_b-c', campaign: 'spring sale & 50% off', adgroup: 'ünïcode ✓', ad: 'x=y', network: 'a+b' });
    const query = { q: 'a b', 'k&y': '1%' };
    const attr = attribution({ ids: readAdIds(query), query, ip: '8.8.8.8', platform: 'ios', tsSeconds: 1, link: odd, privacy: false });
    const field = clickParams({ clickId: CLICK_ID, link: odd, platform: 'ios', redirectUrl: 'https://x.test/?a=1&b=2#f', attribution: attr, visitorQuery: query });
    expect(field).not.toContain(' ');
    expect(field).toBe(encodeParams(decoded(field)));
    expect(decoded(field)).toMatchObject({
      campaign: 'spring sale & 50% off',
      adgroup: 'ünïcode ✓',
      ad: 'x=y',
      network: 'a+b',
      redirect_url: 'https://x.test/?a=1&b=2#f',
      reqparams: 'q=a%20b&k%26y=1%25',
    });
  });

  it('never lets a visitor parameter replace one of ours', () => {
    const result = params({ click_id: 'forged', slug: 'other', platform: 'android', lookup_key: 'x', reqparams: 'y' });
    expect(result.click_id).toBe(CLICK_ID);
    expect(result.slug).toBe('summer');
    expect(result.platform).toBe('ios');
    expect(result.lookup_key).toMatch(/^[0-9a-f]{32}$/);
    expect(result.reqparams).toBe('click_id=forged&slug=other&platform=android&lookup_key=x&reqparams=y');
  });

  it('keeps an invalid advertising id in reqparams', () => {
    const result = params({ adid: 'X1' });
    expect(result.adid).toBeUndefined();
    expect(result.reqparams).toBe('adid=X1');
  });

  it('omits reqparams when the visitor sent nothing else', () => {
    expect(params({}).reqparams).toBeUndefined();
    expect(params({}).params_truncated).toBeUndefined();
  });

  it('keeps reqparams within the cap and says when it left something out', () => {
    const visitor = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v'.repeat(40)]));
    const result = params(visitor);
    expect(result.params_truncated).toBe('1');
    expect(result.reqparams!.length).toBeLessThanOrEqual(VISITOR_PARAMS_MAX_BYTES);
    expect(result.reqparams!.split('&').length).toBeGreaterThan(50);
    expect(result.slug).toBe('summer');
  });

  it('leaves out a value too big for the cap and keeps the smaller ones after it', () => {
    const result = params({ big: 'x'.repeat(VISITOR_PARAMS_MAX_BYTES), small: '1' });
    expect(result.reqparams).toBe('small=1');
    expect(result.params_truncated).toBe('1');
  });

  it('says so when a passed-through value was cut', () => {
    expect(params({ click: 'c'.repeat(300) }).params_truncated).toBe('1');
  });

  it('keeps a __proto__ parameter as plain data', () => {
    const result = params(Object.fromEntries([['__proto__', 'x']]));
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(result.reqparams).toBe('__proto__=x');
  });
});

describe('impressionParams', () => {
  it('has an impression id instead of a click id, and no redirect', () => {
    const attr = attribution({ ids: readAdIds({}), query: {}, ip: '8.8.8.8', platform: 'web', tsSeconds: 1, link, privacy: false });
    const result = decoded(impressionParams({ impressionId: 'imp-1', link, platform: 'web', attribution: attr, visitorQuery: { s: '1' } }));
    expect(Object.keys(result)).toEqual([
      'impression_id',
      'link_id',
      'slug',
      'campaign',
      'adgroup',
      'ad',
      'network',
      'platform',
      'lookup_key',
      'attr_window_from',
      'attr_window_till',
      'reqparams',
    ]);
    expect(result.impression_id).toBe('imp-1');
  });
});
