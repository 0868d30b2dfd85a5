import { LRUCache } from 'lru-cache';
import UAParser from 'ua-parser-js';
import type { DeviceType } from './rule-schema.ts';

export type DeviceTypeDetector = (userAgent: string) => DeviceType;

// TVs, set-top boxes and consoles: the big screen in the living room. ua-parser-js misses
// many of them (Fire TV and Chromecast read as Android phones), so these come first.
const TV = /Android ?TV|\bGoogle ?TV\b|\bCrKey\/|\bAFT[A-Z]{1,5}\b|\bSHIELD Android|\bBRAVIA\b|SMART-?TV|\bSmart ?TV\b|\bHbbTV\/|\bWeb0S\b|\bRoku\/|\bApple ?TV\b|\btvOS\b|\bPlayStation\b|\bXbox\b|\bNintendo\b/i;
// Android tablets drop "Mobile" from their UA; Android phones keep it.
const ANDROID_WITHOUT_MOBILE = /\bAndroid\b(?!.*\bMobile\b)/;
const PHONE_TOKEN = /\b(?:iPhone|iPod|Mobile|Windows Phone|KAIOS|Opera Mini)\b/i;
const MAX_CACHED_UA_LENGTH = 500;

/**
 * phone, tablet, desktop or tv, from the user agent. Watches and headsets count as phones
 * (a small personal screen); anything unrecognised is a desktop. Cached per agent string:
 * only links with a device rule ever ask.
 */
export function createDeviceTypeDetector(opts?: { cacheSize?: number }): DeviceTypeDetector {
  const cache = new LRUCache<string, DeviceType>({ max: opts?.cacheSize ?? 10_000 });
  const parser = new UAParser();
  const parse = (ua: string): DeviceType => {
    if (TV.test(ua)) return 'tv';
    const type = parser.setUA(ua).getDevice().type;
    if (type === 'tablet') return 'tablet';
    if (type === 'smarttv' || type === 'console') return 'tv';
    if (type === 'mobile' || type === 'wearable') return 'phone';
    if (/\biPad\b/.test(ua) || ANDROID_WITHOUT_MOBILE.test(ua)) return 'tablet';
    if (PHONE_TOKEN.test(ua)) return 'phone';
    return 'desktop';
  };
  return (userAgent) => {
    const ua = userAgent.length > MAX_CACHED_UA_LENGTH ? userAgent.slice(0, MAX_CACHED_UA_LENGTH) : userAgent;
    let device = cache.get(ua);
    if (device === undefined) {
      device = parse(ua);
      cache.set(ua, device);
    }
    return device;
  };
}
