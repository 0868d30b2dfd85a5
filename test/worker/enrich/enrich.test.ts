import { describe, expect, it } from 'vitest';
import type { EventLine } from '../../../src/shared/click-line.ts';
import { createEnricher, eventPlatform, ipv4ToInteger, toAdtekioMessage, type EnrichedEvent, type EventFields } from '../../../src/worker/enrich/enrich.ts';
import type { GeoInfo, GeoLookup } from '../../../src/worker/enrich/geoip.ts';
import { createAgentParser } from '../../../src/worker/enrich/user-agent.ts';

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 9_3_2 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Version/9.0 Mobile/13F69 Safari/601.1';

function fixedGeo(info: GeoInfo): GeoLookup {
  return { lookup: () => info };
}

function line(overrides: Partial<EventLine> = {}): EventLine {
  return {
    ip: '188.103.123.173',
    ts: 1465287056,
    topic: 'clicks',
    type: '/t/click',
    params: { click_id: '0190a3b4-0000-7000-8000-000000000001', slug: 'spring', adid: 'ABC' },
    userAgent: IPHONE_UA,
    ...overrides,
  };
}

const parseAgent = createAgentParser();
const enrich = createEnricher({ geo: fixedGeo({ country: 'DE' }), parseAgent });
// 1.5 s after the tracker's ts: the wait is counted in whole seconds.
const NOW_MS = 1465287057_500;

describe('createEnricher', () => {
  it('builds the documented JSON value, in the documented key order', () => {
    const event = enrich(line(), NOW_MS);
    expect(event).toEqual({
      type: '/t/click',
      path: '/t/click',
      click_id: '0190a3b4-0000-7000-8000-000000000001',
      ts: 1465287056,
      received_at: '2016-06-07T08:10:56.000Z',
      klag: 1,
      ip: '188.103.123.173',
      country: 'DE',
      platform: 'ios',
      device: { type: 'smartphone', vendor: 'Apple', model: 'iPhone' },
      os: { name: 'iOS', version: '9.3.2' },
      browser: { name: 'Mobile Safari', version: '9.0' },
      bot: false,
      bot_name: null,
      params: { click_id: '0190a3b4-0000-7000-8000-000000000001', slug: 'spring', adid: 'ABC' },
      user_agent: IPHONE_UA,
    });
    expect(Object.keys(event)).toEqual([
      'type', 'path', 'click_id', 'ts', 'received_at', 'klag', 'ip', 'country',
      'platform', 'device', 'os', 'browser', 'bot', 'bot_name', 'params', 'user_agent',
    ]);
  });

  it('has a null click_id for an event type without one', () => {
    expect(enrich(line({ type: '/t/install', params: { adid: 'ABC' } }), NOW_MS).click_id).toBeNull();
  });

  it('counts klag in whole seconds since ts', () => {
    expect(enrich(line(), 1465287056_999).klag).toBe(0);
    expect(enrich(line(), 1465287056_000 + 90_000).klag).toBe(90);
  });

  it('never reports a negative klag when the worker clock is behind the tracker', () => {
    expect(enrich(line(), 1465287056_000 - 5_000).klag).toBe(0);
  });

  it('falls back to the worker clock for received_at when ts is beyond any date', () => {
    const event = enrich(line({ ts: 999_999_999_999_999 }), NOW_MS);
    expect(event.received_at).toBe(new Date(NOW_MS).toISOString());
    expect(event.klag).toBe(0);
  });

  it('adds region and city next to country only when the database has them', () => {
    const withCity = createEnricher({ geo: fixedGeo({ country: 'DE', region: 'BE', city: 'Berlin' }), parseAgent });
    const event = withCity(line(), NOW_MS);
    expect(event).toMatchObject({ country: 'DE', region: 'BE', city: 'Berlin' });
    expect(Object.keys(event).slice(7, 11)).toEqual(['country', 'region', 'city', 'platform']);
    expect(enrich(line(), NOW_MS)).not.toHaveProperty('region');
  });

  it('marks a crawler click as a bot with an empty platform', () => {
    const event = enrich(line({ userAgent: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' }), NOW_MS);
    expect(event).toMatchObject({ bot: true, bot_name: 'facebookexternalhit', platform: '' });
  });
});

describe('impression messages', () => {
  const impression = line({
    topic: 'impressions',
    type: '/t/imp',
    params: { impression_id: '0190a3b4-0000-7000-8000-0000000000ff', slug: 'spring', platform: 'ios' },
  });

  it('carry their own impression_id in place of click_id', () => {
    const event = enrich(impression, NOW_MS);
    expect(event.impression_id).toBe('0190a3b4-0000-7000-8000-0000000000ff');
    expect(event).not.toHaveProperty('click_id');
    expect(Object.keys(event).slice(0, 4)).toEqual(['type', 'path', 'impression_id', 'ts']);
  });

  it('keep click_id out even when a forged one sits among the params', () => {
    const event = enrich(line({ ...impression, params: { ...impression.params, click_id: 'forged' } }), NOW_MS);
    expect(event).not.toHaveProperty('click_id');
  });

  it('leave clicks as they were: click_id, no impression_id', () => {
    const event = enrich(line(), NOW_MS);
    expect(event.click_id).toBe('0190a3b4-0000-7000-8000-000000000001');
    expect(event).not.toHaveProperty('impression_id');
  });
});

describe('the platform agrees with the redirect', () => {
  const MAC_CHROME_ON_IPAD =
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_5) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/102 Version/11.1.1 Safari/605.1.15';
  const APPLE_TV = 'AppleCoreMedia/1.0.0.12F69 (Apple TV; U; CPU OS 8_3 like Mac OS X; en_us)';
  const WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
  const clickWith = (userAgent: string, platform?: string) =>
    enrich(line({ userAgent, params: { click_id: 'c', ...(platform === undefined ? {} : { platform }) } }), NOW_MS);

  it('records the demo request `curl -A iPhone` as the iOS click it was, not as a bot', () => {
    expect(clickWith('iPhone', 'ios')).toMatchObject({ platform: 'ios', bot: false, bot_name: null });
    expect(clickWith('Android', 'android')).toMatchObject({ platform: 'android', bot: false });
  });

  it('says ios for a click sent to the App Store whatever the parser reads in the agent', () => {
    expect(clickWith(MAC_CHROME_ON_IPAD, 'ios').platform).toBe('ios');
  });

  it('never says ios or android for a click sent to the web target', () => {
    expect(clickWith(APPLE_TV, 'web').platform).toBe('web');
    expect(clickWith(WINDOWS, 'web').platform).toBe('windows');
  });

  it("keeps the parser's OS family for a line without a click-time platform", () => {
    expect(clickWith(WINDOWS).platform).toBe('windows');
    expect(clickWith(IPHONE_UA).platform).toBe('ios');
  });

  it('leaves a bot\'s platform empty, as the original did, even when the redirect went to a store', () => {
    const googlebotPhone =
      'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
    expect(clickWith(googlebotPhone, 'android')).toMatchObject({ bot: true, platform: '' });
  });

  it('ignores a platform param that is not one of the three targets', () => {
    expect(eventPlatform('windows-phone', parseAgent(WINDOWS))).toBe('windows');
  });
});

function exampleEvent(overrides: Partial<EventFields> = {}): EnrichedEvent {
  return {
    type: '/t/click',
    path: '/t/click',
    click_id: null,
    ts: 1465287056,
    received_at: '2016-06-07T08:10:56.000Z',
    klag: 1,
    ip: '188.103.123.173',
    country: 'DE',
    platform: 'ios',
    device: { type: 'smartphone', vendor: 'Apple', model: 'iPhone' },
    os: { name: 'iOS', version: '9.3.2' },
    browser: { name: 'Mobile Safari', version: '9.0' },
    bot: false,
    bot_name: null,
    params: { adid: 'ABC' },
    user_agent: IPHONE_UA,
    ...overrides,
  };
}

describe('toAdtekioMessage', () => {
  it("reproduces the original system's example message", () => {
    expect(toAdtekioMessage(exampleEvent(), 'adid=ABC')).toBe(
      '/t/click bot_name&country=DE&device=smartphone&device_name=iPhone&ip=3160898477&klag=1&platform=ios&ts=1465287056 adid=ABC',
    );
  });

  it('is what the enricher produces for the example line', () => {
    expect(toAdtekioMessage(enrich(line({ params: { adid: 'ABC' } }), NOW_MS), 'adid=ABC')).toBe(
      '/t/click bot_name&country=DE&device=smartphone&device_name=iPhone&ip=3160898477&klag=1&platform=ios&ts=1465287056 adid=ABC',
    );
  });

  it('passes the queued params through byte for byte', () => {
    const raw = 'adid=ABC&redirect_url=https%3A%2F%2Fapps.apple.com%2Fapp%2Fid1&q=a+b';
    expect(toAdtekioMessage(exampleEvent(), raw).endsWith(` ${raw}`)).toBe(true);
  });

  it('re-encodes the decoded params when no raw field is given', () => {
    expect(toAdtekioMessage(exampleEvent({ params: { adid: 'ABC', q: 'a b' } }))).toMatch(/ adid=ABC&q=a%20b$/);
  });

  it('writes empty values as bare keys and names the bot', () => {
    const bot = exampleEvent({
      country: null,
      platform: '',
      device: { type: null, vendor: null, model: null },
      bot: true,
      bot_name: 'Googlebot',
    });
    expect(toAdtekioMessage(bot, '')).toBe(
      '/t/click bot_name=Googlebot&country&device&device_name&ip=3160898477&klag=1&platform&ts=1465287056 ',
    );
  });

  it('falls back to the vendor for device_name and escapes spaces in values', () => {
    const pixel = exampleEvent({ device: { type: 'smartphone', vendor: 'Google', model: 'Pixel 8' } });
    expect(toAdtekioMessage(pixel, '')).toContain('&device_name=Pixel%208&');
    const noModel = exampleEvent({ device: { type: 'smartphone', vendor: 'Samsung', model: null } });
    expect(toAdtekioMessage(noModel, '')).toContain('&device_name=Samsung&');
  });

  it('keeps an IPv6 address as text', () => {
    expect(toAdtekioMessage(exampleEvent({ ip: '2a00:1450:4001:82a::200e' }), '')).toContain(
      '&ip=2a00%3A1450%3A4001%3A82a%3A%3A200e&',
    );
  });
});

describe('ipv4ToInteger', () => {
  it('reads an IPv4 address as an unsigned 32-bit integer', () => {
    expect(ipv4ToInteger('188.103.123.173')).toBe(3160898477);
    expect(ipv4ToInteger('0.0.0.0')).toBe(0);
    expect(ipv4ToInteger('255.255.255.255')).toBe(4294967295);
  });
});
