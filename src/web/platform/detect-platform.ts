import { LRUCache } from 'lru-cache';
import UAParser from 'ua-parser-js';

export type Platform = 'ios' | 'android' | 'web';

export type PlatformDetector = (userAgent: string, clientHintPlatform?: string | null) => Platform;

const DEFAULT_CACHE_SIZE = 10_000;

// ua-parser-js reads only the first 500 characters, and real browsers stay well under that.
// Caching longer strings would let a single client pin megabytes of junk keys in the LRU.
const MAX_CACHED_UA_LENGTH = 500;

// Sec-CH-UA-Platform values Chromium sends, spelled as sent. Chromium freezes most of the UA
// string, so its own platform hint is the better witness; "Unknown" and anything new fall
// through to the UA.
const HINT_VALUES: ReadonlyArray<readonly [string, Platform]> = [
  ['Android', 'android'],
  ['iOS', 'ios'],
  ['Windows', 'web'],
  ['macOS', 'web'],
  ['Linux', 'web'],
  ['Chrome OS', 'web'],
  ['Chromium OS', 'web'],
  ['Fuchsia', 'web'],
];
// The header arrives as e.g. "Android" with its quotes; matching that verbatim first keeps the
// common case to one Map lookup, without trimming or lower-casing.
const HINTS_AS_SENT: ReadonlyMap<string, Platform> = new Map(HINT_VALUES.map(([v, p]) => [`"${v}"`, p]));
const HINTS_NORMALISED: ReadonlyMap<string, Platform> = new Map(HINT_VALUES.map(([v, p]) => [v.toLowerCase(), p]));

// Devices that run iOS or Android but install no phone app from a campaign link: TVs and
// set-top boxes, consoles, watches, headsets, and Macs (whose CFNetwork/Darwin agents, sent by
// link previews and fetchers, ua-parser-js reads as iOS). They get the web target. Checked
// first, so e.g. PlayStation's Silk never meets the Kindle rule below.
const NOT_A_PHONE: readonly RegExp[] = [
  // Apple TV, Apple Watch: "AppleCoreMedia/1.0 (Apple TV; ...)", "watchOS/5.1", "model/Watch3,4".
  /\bApple ?TV\b|\bApple Watch\b|\b(?:watchOS|tvOS)\b|\bWatch\d+,\d/,
  // Android TV and Google TV ("Android TV", "DeviceType/AndroidTV", Chromecast's "CrKey/"),
  // Fire TV (models AFTB, AFTMM, ...), NVIDIA Shield TV, Sony's BRAVIA, the TV browsers.
  /Android ?TV|\bGoogle ?TV\b|\bCrKey\/|\bAFT[A-Z]{1,5}\b|\bSHIELD Android|\bBRAVIA\b|SMART-?TV|\bSmart ?TV\b|\bHbbTV\/|\bWeb0S\b|\bRoku\//,
  // Consoles and headsets: PlayStation (its browser is called Silk too), Xbox, Nintendo, Quest.
  /\bPlayStation\b|\bXbox\b|\bNintendo\b|\bOculusBrowser\/|\bQuest \d/,
  // A Mac's CFNetwork agent ends in its CPU: "CFNetwork/807.1.3 Darwin/16.1.0 (x86_64)".
  // On iOS the same agent has no CPU part, and that one stays ios.
  /\bDarwin\/[\d.]+ \((?:x86_64|i386|arm64)\)/,
];

// Families where ua-parser-js 1.0 gives the wrong answer for a store redirect, each confirmed
// against the installed version. Checked before parsing; the first match wins.
const OVERRIDES: ReadonlyArray<readonly [RegExp, Platform]> = [
  // JioPhone (KaiOS) writes "Android;" before "KAIOS/2.5", and the parser keeps the first OS
  // token it meets. KaiOS cannot install Android apps.
  [/KAIOS\//i, 'web'],
  // Opera Mini on J2ME feature phones ("J2ME/MIDP; Opera") and Opera on Nokia's Maemo
  // ("Maemo; Opera Mobi") trip the parser's "iPod; Opera" pattern ([adehimnop]{4,7}; opera)
  // and come back as iOS.
  [/\bJ2ME\/|\bMaemo\b/, 'web'],
  // Browsers that exist only on iOS, also when an iPad asks for desktop sites with a Mac UA
  // ("Macintosh; ... CriOS/102"), and the Facebook app's "FBIOS" after a made-up desktop UA.
  [/\b(?:CriOS|FxiOS|EdgiOS|OPiOS)\/|\bFBAN\/FBIOS\b/, 'ios'],
  // Kindle Fire's Silk in its default desktop mode drops the Android token and claims Linux
  // (KFTT) or Mac OS (first generation). Fire OS is an Android fork.
  [/\bSilk\//, 'android'],
  // UC Browser's own agents: older builds abbreviate Android to "Adr 4.0.4", and its
  // "JUC (Linux; U; 4.0.4; ...)" (Android) and "IUC(U;iOS 5.1.1; ...)" name no OS the parser knows.
  [/\bAdr \d|^JUC ?\(/, 'android'],
  [/^IUC ?\(|\biP[hd] OS \d/, 'ios'],
];

// Everything else is web. That includes:
// - Windows Phone, whose UA also says "Android" (and on 8.1 "iPhone OS"): the parser's Windows
//   Phone rule runs first, so it is already right.
// - OpenHarmony, i.e. HarmonyOS NEXT, which cannot run Android apps. Older HarmonyOS (2-4) puts
//   "Android NN" in the UA, runs APKs, and is reported as "HarmonyOS": that one is android.
// - iPadOS Safari, which by default asks for desktop sites with a Mac UA that is byte-for-byte
//   what a Mac sends; nothing server-side tells them apart, so those iPads get the web target.
// Bots are not special-cased: most carry no OS and land on web, while crawlers that emulate a
// phone (Googlebot smartphone, bingbot mobile) get that phone's platform, i.e. the same redirect
// a real visitor on that device gets. Filtering bots out of click counts happens elsewhere.
// Keys are lower case: the parser returns the name as the UA spells it ("android 13" -> "android").
const OS_PLATFORMS: ReadonlyMap<string, Platform> = new Map([
  ['ios', 'ios'],
  ['android', 'android'],
  ['android-x86', 'android'],
  ['harmonyos', 'android'],
]);

// Names the parser gives on thin evidence, so a phone token elsewhere in the UA wins over
// them: "Windows" from any "win" followed by "n" (Allwinner, Winnovo: "Windows n"), "Mac OS"
// from "like Mac OS X" in iPhone agents without "iPhone OS", "Linux" from "(Linux; U; ...)".
const WEAK_OS_NAMES = new Set(['windows', 'mac os', 'linux']);

// Tokens that name the device when the parser finds no OS or only a weak one. Model tokens
// join digits to the name ("iPhone15,3", "iPad8,9"); app agents spell the OS in any case
// ("android mobile/8.0", "Outlook-iOS/665").
const IOS_TOKEN = /\b(?:iPhone|iPad|iPod)(?:\d+,\d+)?\b|\biOS\b/i;
const ANDROID_TOKEN = /\bAndroid\b|\bHarmonyOS\b/i;

function platformFromHint(hint: string | null | undefined): Platform | undefined {
  if (!hint) return undefined;
  const exact = HINTS_AS_SENT.get(hint);
  if (exact) return exact;
  let value = hint.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  return HINTS_NORMALISED.get(value.trim().toLowerCase());
}

export function createPlatformDetector(opts?: { cacheSize?: number }): PlatformDetector {
  const cache = new LRUCache<string, Platform>({ max: opts?.cacheSize ?? DEFAULT_CACHE_SIZE });
  // One parser reused through setUA: the constructor builds a dozen closures per instance,
  // and getOS() runs only the OS regexes (browser, engine and device are never touched).
  const parser = new UAParser();

  const parse = (ua: string): Platform => {
    for (const pattern of NOT_A_PHONE) {
      if (pattern.test(ua)) return 'web';
    }
    for (const [pattern, platform] of OVERRIDES) {
      if (pattern.test(ua)) return platform;
    }
    const name = parser.setUA(ua).getOS().name?.toLowerCase();
    if (name !== undefined && !WEAK_OS_NAMES.has(name)) return OS_PLATFORMS.get(name) ?? 'web';
    // Bare device tokens (`curl -A iPhone`, some SDKs' own agents) name no OS version, which
    // the parser needs; the original system sent them to the store all the same.
    if (IOS_TOKEN.test(ua)) return 'ios';
    if (ANDROID_TOKEN.test(ua)) return 'android';
    return 'web';
  };

  return (userAgent, clientHintPlatform) => {
    const hinted = platformFromHint(clientHintPlatform);
    if (hinted) return hinted;
    if (!userAgent) return 'web';
    if (userAgent.length > MAX_CACHED_UA_LENGTH) return parse(userAgent.slice(0, MAX_CACHED_UA_LENGTH));
    let platform = cache.get(userAgent);
    if (platform === undefined) {
      platform = parse(userAgent);
      cache.set(userAgent, platform);
    }
    return platform;
  };
}
