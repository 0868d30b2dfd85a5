import { isbotMatch } from 'isbot';
import { isBotAgent } from '../../shared/bot-agent.ts';
import { LRUCache } from 'lru-cache';
import UAParser from 'ua-parser-js';

export interface AgentInfo {
  platform: string;
  device: { type: string | null; vendor: string | null; model: string | null };
  os: { name: string | null; version: string | null };
  browser: { name: string | null; version: string | null };
  bot: boolean;
  bot_name: string | null;
}

export type AgentParser = (userAgent: string) => AgentInfo;

const DEFAULT_CACHE_SIZE = 20_000;

// Real browsers stay well under this; caching longer strings would let junk UAs pin
// megabytes of keys. Longer ones are still parsed, just not remembered.
const MAX_CACHED_UA_LENGTH = 512;

// Platform names as the original system wrote them: lower-case OS families.
const PLATFORMS: ReadonlyMap<string, string> = new Map([
  ['iOS', 'ios'],
  ['Android', 'android'],
  ['Android-x86', 'android'],
  ['Windows', 'windows'],
  ['Mac OS', 'mac'],
  ['Chromium OS', 'chrome_os'],
]);
const LINUX_FAMILY =
  /^(?:linux|[kxln]?ubuntu|debian|suse|opensuse|gentoo|arch|slackware|fedora|mandriva|centos|pclinuxos|red ?hat|zenwalk|linpus|raspbian|deepin|manjaro|elementary os|sabayon|linspire|mageia|vectorlinux|mint)$/i;
// ua-parser leaves the device type empty for desktops rather than saying so.
const DESKTOP_PLATFORMS = new Set(['windows', 'mac', 'linux', 'chrome_os', 'freebsd', 'openbsd', 'netbsd', 'solaris']);
// 'smartphone' is the original system's word (its example message has device=smartphone).
const DEVICE_TYPES: ReadonlyMap<string, string> = new Map([['mobile', 'smartphone']]);

// Readable names for crawlers whose token carries a suffix ("Slackbot-LinkExpanding") or
// varies in case. Matched only at a token start and not after "like ", so
// "TelegramBot (like TwitterBot)" stays Telegram's. Checked before the generic token rule; the first match wins.
const KNOWN_BOTS: ReadonlyArray<readonly [RegExp, string]> = [
  'Googlebot',
  'bingbot',
  'facebookexternalhit',
  'Facebot',
  'Twitterbot',
  'Slackbot',
  'LinkedInBot',
  'Applebot',
].map((name) => [new RegExp(`(?<![\\w.-]|like )${name}`, 'i'), name] as const);
// Browser-shaped tokens isbot sometimes points into; naming a bot after them says nothing.
const NOT_A_NAME = /^(?:Mozilla|compatible|AppleWebKit|KHTML|Gecko|Safari|Chrome|Mobile|Version|like)$/i;
const TOKEN_CHAR = /[A-Za-z0-9_.-]/;
const MAX_BOT_NAME_LENGTH = 64;

/**
 * Full ua-parser-js parse plus bot detection, behind an LRU keyed by the UA string:
 * a campaign's clicks come from a few thousand distinct UAs, so most lines are hits.
 * Cached results are frozen and shared, so callers must not mutate them.
 */
export function createAgentParser(opts?: { cacheSize?: number }): AgentParser {
  const cache = new LRUCache<string, AgentInfo>({ max: opts?.cacheSize ?? DEFAULT_CACHE_SIZE });
  // One parser reused through setUA: the constructor builds a dozen closures.
  const parser = new UAParser();

  const parse = (ua: string): AgentInfo => {
    parser.setUA(ua);
    const os = parser.getOS();
    const device = parser.getDevice();
    const browser = parser.getBrowser();
    const bot = isBotAgent(ua) || /headless|phantom/i.test(browser.name ?? '');
    const family = os.name ? platformOf(os.name) : '';
    let type = device.type ? (DEVICE_TYPES.get(device.type) ?? device.type) : null;
    if (type === null && DESKTOP_PLATFORMS.has(family)) type = 'desktop';
    return deepFreeze({
      // The original left platform empty for bots: they are not a person's device.
      platform: bot ? '' : family,
      device: { type, vendor: device.vendor ?? null, model: device.model ?? null },
      os: { name: os.name ?? null, version: os.version ?? null },
      browser: { name: browser.name ?? null, version: browser.version ?? null },
      bot,
      bot_name: bot ? botName(ua) : null,
    });
  };

  return (userAgent) => {
    if (userAgent.length > MAX_CACHED_UA_LENGTH) return parse(userAgent);
    let info = cache.get(userAgent);
    if (info === undefined) {
      info = parse(userAgent);
      cache.set(userAgent, info);
    }
    return info;
  };
}

function platformOf(osName: string): string {
  const known = PLATFORMS.get(osName);
  if (known !== undefined) return known;
  if (LINUX_FAMILY.test(osName)) return 'linux';
  // Others in the original's snake_case spelling: 'windows_phone', 'blackberry', 'tizen'.
  return osName.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/**
 * A short crawler name: a well-known one, else the whole product token around the part
 * isbot matched, version dropped ("Discordbot/2.0" -> "Discordbot", "curl/8.5" -> "curl").
 */
export function botName(ua: string): string | null {
  for (const [pattern, name] of KNOWN_BOTS) {
    if (pattern.test(ua)) return name;
  }
  const match = isbotMatch(ua);
  if (!match) return null;
  let start = ua.indexOf(match);
  if (start === -1) return null;
  let end = start;
  while (start > 0 && TOKEN_CHAR.test(ua.charAt(start - 1))) start--;
  while (end < ua.length && TOKEN_CHAR.test(ua.charAt(end))) end++;
  const name = ua.slice(start, end).replace(/^[._-]+|[._-]+$/g, '');
  if (name === '' || NOT_A_NAME.test(name)) return null;
  return name.slice(0, MAX_BOT_NAME_LENGTH);
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) Object.freeze(child);
  }
  return Object.freeze(value);
}
