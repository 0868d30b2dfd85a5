import { describe, expect, it } from 'vitest';
import { botName, createAgentParser } from '../../../src/worker/enrich/user-agent.ts';

const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  pixel:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  windowsChrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  macSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  ubuntuFirefox: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  facebook: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  twitter: 'Twitterbot/1.0',
  slack: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
};

describe('createAgentParser', () => {
  const parse = createAgentParser();

  it('reads an iPhone as an iOS smartphone made by Apple', () => {
    expect(parse(UA.iphone)).toEqual({
      platform: 'ios',
      device: { type: 'smartphone', vendor: 'Apple', model: 'iPhone' },
      os: { name: 'iOS', version: '17.5' },
      browser: { name: 'Mobile Safari', version: '17.5' },
      bot: false,
      bot_name: null,
    });
  });

  it('reads a Pixel as an Android smartphone made by Google', () => {
    const info = parse(UA.pixel);
    expect(info.platform).toBe('android');
    expect(info.device).toEqual({ type: 'smartphone', vendor: 'Google', model: 'Pixel 8' });
    expect(info.os).toEqual({ name: 'Android', version: '14' });
    expect(info.browser.name).toBe('Chrome');
    expect(info.bot).toBe(false);
  });

  it('reads an iPad as an iOS tablet', () => {
    expect(parse(UA.ipad)).toMatchObject({ platform: 'ios', device: { type: 'tablet', vendor: 'Apple', model: 'iPad' } });
  });

  it('reads Chrome on Windows as a Windows desktop', () => {
    expect(parse(UA.windowsChrome)).toMatchObject({
      platform: 'windows',
      device: { type: 'desktop', vendor: null, model: null },
      os: { name: 'Windows', version: '10' },
      browser: { name: 'Chrome', version: '126.0.0.0' },
      bot: false,
    });
  });

  it('names desktop platforms as the original did: mac and linux', () => {
    expect(parse(UA.macSafari)).toMatchObject({ platform: 'mac', device: { type: 'desktop' } });
    expect(parse(UA.ubuntuFirefox)).toMatchObject({ platform: 'linux', device: { type: 'desktop' } });
  });

  it.each([
    ['googlebot', 'Googlebot'],
    ['facebook', 'facebookexternalhit'],
    ['twitter', 'Twitterbot'],
    ['slack', 'Slackbot'],
    ['bingbot', 'bingbot'],
  ] as const)('flags the %s crawler as a bot named %s, with an empty platform', (key, name) => {
    expect(parse(UA[key])).toMatchObject({ bot: true, bot_name: name, platform: '' });
  });

  it('keeps the emulated device of a smartphone crawler but leaves its platform empty', () => {
    expect(parse(UA.googlebotSmartphone)).toMatchObject({
      bot: true,
      bot_name: 'Googlebot',
      platform: '',
      os: { name: 'Android' },
      device: { type: 'smartphone' },
    });
  });

  it('flags headless browsers as bots', () => {
    const info = parse(
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36',
    );
    expect(info).toMatchObject({ bot: true, bot_name: 'HeadlessChrome' });
  });

  it('treats an empty user agent as an unnamed bot: every browser sends one', () => {
    expect(parse('')).toEqual({
      platform: '',
      device: { type: null, vendor: null, model: null },
      os: { name: null, version: null },
      browser: { name: null, version: null },
      bot: true,
      bot_name: null,
    });
  });

  it.each(['iPhone', 'iPad', 'Android'])('reads the bare agent %j as that device, not a bot, as the original did', (ua) => {
    expect(parse(ua)).toMatchObject({ bot: false, bot_name: null });
  });

  it('still counts other one-word agents as bots', () => {
    expect(parse('Mozilla')).toMatchObject({ bot: true, platform: '' });
    expect(parse('iPhoneX')).toMatchObject({ bot: true });
  });

  it('gives an unknown agent an empty platform and no device type', () => {
    expect(parse('SomethingNew/1.0')).toMatchObject({ platform: '', device: { type: null } });
  });

  it('returns frozen results, since cached ones are shared between events', () => {
    const info = parse(UA.iphone);
    expect(Object.isFrozen(info)).toBe(true);
    expect(Object.isFrozen(info.device)).toBe(true);
  });
});

describe('the user agent cache', () => {
  it('answers a repeated user agent from the cache', () => {
    const parse = createAgentParser();
    expect(parse(UA.iphone)).toBe(parse(UA.iphone));
  });

  it('is bounded: the least recently used agent is evicted', () => {
    const parse = createAgentParser({ cacheSize: 2 });
    const first = parse(UA.iphone);
    parse(UA.pixel);
    expect(parse(UA.iphone)).toBe(first);
    parse(UA.ipad);
    parse(UA.windowsChrome);
    const again = parse(UA.iphone);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('parses but does not cache very long user agents', () => {
    const parse = createAgentParser();
    const long = `${UA.iphone} ${'x'.repeat(600)}`;
    expect(parse(long)).not.toBe(parse(long));
    expect(parse(long).platform).toBe('ios');
  });
});

describe('botName', () => {
  it.each([
    ['Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)', 'Discordbot'],
    ['Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', 'YandexBot'],
    ['LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)', 'LinkedInBot'],
    ['TelegramBot (like TwitterBot)', 'TelegramBot'],
    ['WhatsApp/2.23.20.0', 'WhatsApp'],
    ['curl/8.5.0', 'curl'],
    ['python-requests/2.31.0', 'python-requests'],
  ])('names %j as %j', (ua, name) => {
    expect(botName(ua)).toBe(name);
  });

  it('gives no name for a bare "Mozilla"', () => {
    expect(botName('Mozilla')).toBeNull();
  });
});
