import { describe, expect, it } from 'vitest';
import { storeKind } from '../../../src/links/store-url.ts';
import { completeStoreUrl, withStoreParams, type StoreLink } from '../../../src/web/click/store-params.ts';

const CLICK_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const link: StoreLink = { network: 'meta', campaign: 'spring', storeParams: true, appStoreCampaignToken: null, appStoreProviderToken: null };

function final(target: string, overrides: Partial<StoreLink> = {}, globalPt?: string): string {
  return completeStoreUrl(withStoreParams(target, { ...link, ...overrides }, globalPt), CLICK_ID);
}

/** What Play hands the app: the referrer parameter, decoded once. */
function referrerOf(url: string): string | null {
  const query = url.slice(url.indexOf('?') + 1).split('#')[0];
  return new URLSearchParams(query).get('referrer');
}

describe('storeKind', () => {
  it.each([
    ['https://play.google.com/store/apps/details?id=com.facebook.katana', 'play'],
    ['http://play.google.com/store/apps/details?id=a', 'play'],
    ['market://details?id=com.facebook.katana', 'play'],
    ['https://apps.apple.com/us/app/instagram/id389801252', 'app_store'],
    ['https://itunes.apple.com/app/id389801252?mt=8', 'app_store'],
    ['itms-apps://apps.apple.com/app/id389801252', 'app_store'],
    ['https://play.google.com/store/apps/dev?id=5700313618786177705', null],
    ['https://apps.apple.com.evil.test/app/id1', null],
    ['https://example.com/?to=https://apps.apple.com/app/id1', null],
    ['https://example.com/landing', null],
  ])('%s -> %s', (url, kind) => {
    expect(storeKind(url)).toBe(kind);
  });
});

describe('Google Play referrer', () => {
  it('adds the UTM fields and the click id, encoded once', () => {
    const url = final('https://play.google.com/store/apps/details?id=com.facebook.katana');
    expect(url).toBe(
      `https://play.google.com/store/apps/details?id=com.facebook.katana&referrer=utm_source%3Dmeta%26utm_medium%3Dclick%26utm_campaign%3Dspring%26click_id%3D${CLICK_ID}`,
    );
    expect(referrerOf(url)).toBe(`utm_source=meta&utm_medium=click&utm_campaign=spring&click_id=${CLICK_ID}`);
  });

  it('keeps a referrer already in the URL, its fields winning, without encoding it twice', () => {
    const url = final('https://play.google.com/store/apps/details?id=com.example&referrer=utm_source%3Dnewsletter%26utm_content%3Dhero&hl=de');
    expect(url).not.toContain('%25');
    expect(url).toMatch(/^https:\/\/play\.google\.com\/store\/apps\/details\?id=com\.example&referrer=[^&]+&hl=de$/);
    expect(referrerOf(url)).toBe(`utm_source=newsletter&utm_content=hero&utm_medium=click&utm_campaign=spring&click_id=${CLICK_ID}`);
  });

  it('reads a referrer written with + for spaces or left unencoded', () => {
    expect(referrerOf(final('market://details?id=a&referrer=utm_term=running+shoes'))).toBe(
      `utm_term=running shoes&utm_source=meta&utm_medium=click&utm_campaign=spring&click_id=${CLICK_ID}`,
    );
  });

  it('encodes campaign values so they cannot add referrer fields', () => {
    const url = final('market://details?id=com.example', { campaign: 'spring & summer=1', network: 'a&b' });
    const fields = new URLSearchParams(referrerOf(url) ?? '');
    expect(fields.get('utm_campaign')).toBe('spring & summer=1');
    expect(fields.get('utm_source')).toBe('a&b');
    expect([...fields.keys()]).toEqual(['utm_source', 'utm_medium', 'utm_campaign', 'click_id']);
  });

  it('keeps a click id the referrer already has, and then needs none per click', () => {
    const store = withStoreParams('market://details?id=a&referrer=click_id%3Dabc', link, undefined);
    expect(store.tail).toBeNull();
    expect(referrerOf(store.head)).toBe('click_id=abc&utm_source=meta&utm_medium=click&utm_campaign=spring');
  });

  it('leaves out UTM fields the link has no value for', () => {
    expect(referrerOf(final('market://details?id=a', { network: null, campaign: '' }))).toBe(`utm_medium=click&click_id=${CLICK_ID}`);
  });

  it('keeps the fragment last', () => {
    expect(final('https://play.google.com/store/apps/details?id=a#reviews')).toMatch(/click_id%3D[0-9a-f-]{36}#reviews$/);
  });
});

describe('App Store tokens', () => {
  it('adds ct from the campaign and pt from the global setting', () => {
    expect(final('https://apps.apple.com/us/app/instagram/id389801252', {}, '118000')).toBe(
      'https://apps.apple.com/us/app/instagram/id389801252?ct=spring&pt=118000',
    );
    expect(final('https://itunes.apple.com/app/id389801252?mt=8')).toBe('https://itunes.apple.com/app/id389801252?mt=8&ct=spring');
    expect(final('itms-apps://apps.apple.com/app/id389801252')).toBe('itms-apps://apps.apple.com/app/id389801252?ct=spring');
  });

  it("prefers the link's own tokens", () => {
    expect(final('https://apps.apple.com/app/id1', { appStoreCampaignToken: 'tok', appStoreProviderToken: '42' }, '118000')).toBe(
      'https://apps.apple.com/app/id1?ct=tok&pt=42',
    );
  });

  it('caps ct at 40 characters, never inside a character', () => {
    const ct = (url: string) => new URLSearchParams(url.split('?')[1]).get('ct');
    expect(ct(final('https://apps.apple.com/app/id1', { campaign: 'c'.repeat(60) }))).toBe('c'.repeat(40));
    expect(ct(final('https://apps.apple.com/app/id1', { campaign: `${'c'.repeat(39)}😀x` }))).toBe(`${'c'.repeat(39)}😀`);
  });

  it('never overwrites a ct or pt the target already has', () => {
    expect(final('https://apps.apple.com/app/id1?ct=mine&pt=7', {}, '118000')).toBe('https://apps.apple.com/app/id1?ct=mine&pt=7');
    expect(final('https://apps.apple.com/app/id1?pt=7', {}, '118000')).toBe('https://apps.apple.com/app/id1?pt=7&ct=spring');
  });

  it('adds nothing when neither the link nor the setting has a token', () => {
    expect(final('https://apps.apple.com/app/id1', { campaign: null })).toBe('https://apps.apple.com/app/id1');
  });

  it('encodes the tokens', () => {
    expect(final('https://apps.apple.com/app/id1', { campaign: 'a&b c#d' })).toBe('https://apps.apple.com/app/id1?ct=a%26b%20c%23d');
  });
});

describe('links with store parameters off', () => {
  it.each([
    'https://play.google.com/store/apps/details?id=a',
    'https://apps.apple.com/app/id1',
  ])('leave %s as written', (target) => {
    expect(final(target, { storeParams: false }, '118000')).toBe(target);
  });

  it('leave web targets alone in any case', () => {
    expect(final('https://example.com/landing?x=1#top', {}, '118000')).toBe('https://example.com/landing?x=1#top');
  });
});
