import { describe, expect, it } from 'vitest';
import { createRedirectBuilder, type RedirectFacts } from '../../../src/web/click/redirect-url.ts';
import { linkFixture } from '../../support/fixtures.ts';

const CLICK_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const facts = (query: Record<string, string> = {}): RedirectFacts => ({
  clickId: CLICK_ID,
  slug: 'summer',
  campaign: 'summer',
  platform: 'android',
  adid: undefined,
  query,
});

describe('the redirect URL', () => {
  const build = createRedirectBuilder({ appStoreProviderToken: '118000' });

  it('is the target itself for a plain web target', () => {
    const link = linkFixture();
    expect(build(link, 'https://example.com/landing', facts())).toBe('https://example.com/landing');
  });

  it('expands templates before adding store parameters', () => {
    const link = linkFixture();
    const url = build(link, 'market://details?id={q:app}', facts({ app: 'com.example' }));
    expect(url).toBe(`market://details?id=com.example&referrer=utm_source%3Dmeta%26utm_medium%3Dclick%26utm_campaign%3Dsummer%26click_id%3D${CLICK_ID}`);
  });

  it('gives every click its own click id from the cached plan', () => {
    const link = linkFixture();
    const target = 'https://play.google.com/store/apps/details?id=a';
    const first = build(link, target, facts());
    const second = build(link, target, { ...facts(), clickId: 'other' });
    expect(first).toContain(`click_id%3D${CLICK_ID}`);
    expect(second).toContain('click_id%3Dother');
  });

  it("uses the link's settings as they are after a reload", () => {
    const target = 'https://apps.apple.com/app/id1';
    expect(build(linkFixture(), target, facts())).toBe('https://apps.apple.com/app/id1?ct=summer&pt=118000');
    expect(build(linkFixture({ storeParams: false }), target, facts())).toBe(target);
  });

  describe('with forwardQuery', () => {
    const link = linkFixture({ forwardQuery: true });

    it("passes the visitor's query on, encoded", () => {
      expect(build(link, 'https://example.com/l', facts({ utm_source: 'fb', q: 'a b&c' }))).toBe('https://example.com/l?utm_source=fb&q=a%20b%26c');
      expect(build(link, 'https://example.com/l?x=1#top', facts({ y: '2' }))).toBe('https://example.com/l?x=1&y=2#top');
    });

    it('never overrides what the target has, nor the store parameters', () => {
      const url = build(link, 'https://apps.apple.com/app/id1?mt=8', facts({ mt: '9', ct: 'forged', pt: 'x', gclid: 'g' }));
      expect(url).toBe('https://apps.apple.com/app/id1?mt=8&ct=summer&pt=118000&gclid=g');
      const play = build(link, 'market://details?id=a', facts({ referrer: 'forged', id: 'b' }));
      expect(new URLSearchParams(play.split('?')[1]).getAll('referrer')).toHaveLength(1);
      expect(play).not.toContain('forged');
    });

    it('never passes on our own field names', () => {
      const query = { click_id: 'x', slug: 'x', campaign: 'x', network: 'x', platform: 'x', redirect_url: 'x', link_id: 'x', keep: '1' };
      expect(build(link, 'https://example.com/l', facts(query))).toBe('https://example.com/l?keep=1');
    });

    it('leaves the target alone when the visitor sent nothing', () => {
      expect(build(link, 'https://example.com/l', facts())).toBe('https://example.com/l');
    });
  });
});
