import { describe, it, expect } from 'vitest';
import { createPlatformDetector } from '../../../src/web/platform/detect-platform.ts';
import type { Platform } from '../../../src/web/platform/detect-platform.ts';

interface Case {
  name: string;
  ua: string;
  expected: Platform;
}

// User agents as captured from real devices and published in public UA lists and parser test
// suites (version numbers untouched), so the table exercises what the redirect actually sees.
const CASES: Case[] = [
  // iOS
  { name: 'an iPhone on Safari', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' },
  { name: 'an iPad on Safari with the iPad token', expected: 'ios', ua: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1' },
  { name: 'an iPod touch', expected: 'ios', ua: 'Mozilla/5.0 (iPod; U; CPU iPhone OS 4_3_3 like Mac OS X; en-us) AppleWebKit/533.17.9 (KHTML, like Gecko) Version/5.0.2 Mobile/8J2 Safari/6533.18.5' },
  { name: 'Chrome on iOS (CriOS)', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1' },
  { name: 'Firefox on iOS (FxiOS)', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15' },
  { name: 'Edge on iOS (EdgiOS)', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) EdgiOS/110.0.1587.57 Version/16.0 Mobile/15E148 Safari/604.1' },
  { name: 'Opera Mini on an iPhone', expected: 'ios', ua: 'Opera/9.80 (iPhone; Opera Mini/7.1.32694/27.1407; U; en) Presto/2.8.119 Version/11.10' },
  { name: 'the Facebook in-app browser on iOS', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21F90 [FBAN/FBIOS;FBDV/iPhone14,3;FBMD/iPhone;FBSN/iOS;FBSV/17.5.1;FBSS/3;FBID/phone;FBLC/en_GB;FBOP/5]' },
  { name: 'the Facebook iOS app with its bare FBAN UA', expected: 'ios', ua: '[FBAN/FBIOS;FBAV/283.0.0.44.117;FBBV/238386386;FBDV/iPhone12,1;FBMD/iPhone;FBSN/iOS;FBSV/13.6.1;FBSS/2;FBID/phone;FBLC/en_US;FBOP/5;FBRV/240127608]' },
  { name: 'the Instagram in-app browser on iOS', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 300.0.0.18.110 (iPhone15,2; iOS 17_5; de_DE; de-DE; scale=3.00; 1179x2556)' },
  { name: 'the TikTok in-app browser on iOS', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 14_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_21.1.0 JsSdk/2.0 NetType/4G Channel/App Store ByteLocale/ru Region/RU ByteFullLocale/ru-RU isDarkMode/1 WKWebView/1 BytedanceWebview/d8a21c6' },
  { name: 'the Snapchat in-app browser on iOS', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 13_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0.5 Mobile/15E148 Snapchat/10.77.5.59 (like Safari/604.1)' },
  { name: 'the LinkedIn in-app browser on iOS', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.30.1210' },
  { name: 'the Twitter in-app browser on iOS', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/10.34' },
  { name: 'the LINE in-app browser on iOS', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.8.0' },
  { name: 'a bare iOS WKWebView', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148' },
  { name: 'a native iOS app (Slack) fetching the link', expected: 'ios', ua: 'com.tinyspeck.chatlyio/23.04.10 (iPhone; iOS 16.4.1; Scale/3.00)' },

  // Android
  { name: 'Chrome on Android', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36' },
  { name: 'Samsung Internet', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/22.0 Chrome/111.0.5563.116 Mobile Safari/537.36' },
  { name: 'an Android WebView', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 11; moto g(30) Build/RRMS31.Q1-10-65-3; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.165 Mobile Safari/537.36' },
  { name: 'Firefox on Android', expected: 'android', ua: 'Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0' },
  { name: 'Opera Mini on Android', expected: 'android', ua: 'Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16' },
  { name: 'UC Browser on Android', expected: 'android', ua: 'Mozilla/5.0 (Linux; U; Android 10; en-US; SCV39 Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.4.0.1306 Mobile Safari/537.36' },
  // ua-parser-js finds no OS in "Adr": covered by an explicit rule.
  { name: 'UC Browser with the UCWEB "Adr" UA on Android', expected: 'android', ua: 'UCWEB/2.0 (MIDP-2.0; U; Adr 4.0.4; en-US; ZTE_U795) U2/1.0.0 UCBrowser/10.7.6.805 U2/1.0.0 Mobile' },
  { name: 'Silk on a Kindle Fire', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/108.2.18 like Chrome/108.0.5359.220 Safari/537.36' },
  // ua-parser-js says Linux and Mac OS for these two: covered by the Silk rule.
  { name: 'Silk on a Kindle Fire HD in desktop mode (no Android token)', expected: 'android', ua: 'Mozilla/5.0 (Linux; U; en-us; KFTT Build/IML74K) AppleWebKit/535.19 (KHTML, like Gecko) Silk/3.11 Safari/535.19 Silk-Accelerated=true' },
  { name: 'Silk on a first Kindle Fire in desktop mode (Mac UA)', expected: 'android', ua: 'Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_6_3; en-us; Silk/1.0.146.3-Gen4_12000410) AppleWebKit/533.16 (KHTML, like Gecko) Version/5.0 Safari/533.16 Silk-Accelerated=true' },
  { name: 'a Huawei on HarmonyOS (Android-based)', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AL10; HMSCore 6.8.0.332) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/13.0.0.310 Mobile Safari/537.36' },
  { name: 'a Huawei on EMUI', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 10; ART-L29N; HMSCore 6.13.0.321) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.303 Mobile Safari/537.36' },
  { name: 'the Xiaomi MIUI browser', expected: 'android', ua: 'Mozilla/5.0 (Linux; U; Android 14; zh-cn; 23127PN0CG Build/UKQ1.230804.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/110.0.5481.153 Mobile Safari/537.36 XiaoMi/MiuiBrowser/17.2.10' },
  { name: 'the Facebook in-app browser on Android', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.144 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/450.0.0.38.109;]' },
  { name: 'the Instagram in-app browser on Android', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 12; M2010J19CG Build/SKQ1.211202.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/136.0.7103.125 Mobile Safari/537.36 Instagram 382.0.0.49.84 Android (31/12; 384dpi; 1080x2132; Xiaomi/POCO; M2010J19CG; citrus; qcom; in_ID; 739816062; IABMV/1)' },
  { name: 'the TikTok in-app browser on Android', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 11; 21061119AG Build/RP1A.200720.011; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/92.0.4515.131 Mobile Safari/537.36 trill_2022109040 JsSdk/1.0 NetType/MOBILE Channel/googleplay AppName/musical_ly app_version/21.9.4 ByteLocale/ru-RU ByteFullLocale/ru-RU Region/KG BytedanceWebview/d8a21c6' },
  { name: 'the Snapchat in-app browser on Android', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 Snapchat/13.5.0.46 (like Chrome/127.0.6533.103)' },
  { name: 'the LinkedIn in-app browser on Android', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.122 Mobile Safari/537.36 [LinkedInApp]/4.1.975' },
  { name: 'the Twitter in-app browser on Android', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP1A.240405.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 TwitterAndroid' },

  // Mobile, but neither store applies
  { name: 'Windows Phone 8.1 (mentions Android and iPhone OS)', expected: 'web', ua: 'Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537' },
  { name: 'Windows 10 Mobile (mentions Android)', expected: 'web', ua: 'Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063' },
  { name: 'KaiOS on a Nokia 8110', expected: 'web', ua: 'Mozilla/5.0 (Mobile; Nokia_8110_4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5' },
  // ua-parser-js says Android here: covered by the KaiOS rule.
  { name: 'KaiOS on a JioPhone (mentions Android)', expected: 'web', ua: 'Mozilla/5.0 (Mobile; LYF/F300B/LYF-F300B-001-01-15-130718-i;Android; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5' },
  // ua-parser-js says iOS here ("MIDP; Opera"): covered by the J2ME rule.
  { name: 'Opera Mini on a J2ME feature phone', expected: 'web', ua: 'Opera/9.80 (J2ME/MIDP; Opera Mini/7.1.32052/29.3417; U; en) Presto/2.8.119 Version/11.10' },
  // HarmonyOS NEXT runs no Android apps, so the Play Store link would be a dead end.
  { name: 'HarmonyOS NEXT (OpenHarmony, no Android)', expected: 'web', ua: 'Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile' },

  // Classes that went wrong before the uap-core corpus check (issue 11); agents from uap-core's tests.
  { name: 'Android spelled in lower case', expected: 'android', ua: 'SalesforceMobileSDK/5.3.0 android mobile/8.0.0 (SM-G955F) Salesforce1/15.2 Native uid_c4589f605fad8c7e ftr_ Cordova/6.2.3' },
  { name: 'an Android tablet whose model contains "win" (Allwinner)', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 4.0.4; Allwinner A10 Build/IML74K) AppleWebKit/535.19 (KHTML, like Gecko) Chrome/18.0.1025.166 Safari/535.19' },
  { name: 'a macOS CFNetwork fetcher', expected: 'web', ua: 'Safari/12602.2.14.0.7 CFNetwork/807.1.3 Darwin/16.1.0 (x86_64)' },
  { name: 'a macOS CFNetwork fetcher naming its Mac model', expected: 'web', ua: 'Bloodhound/2.1 CFNetwork/673.4 Darwin/13.3.0 (x86_64) (MacBookPro10%2C1)' },
  { name: 'an iOS CFNetwork app agent (no CPU part)', expected: 'ios', ua: 'App/1.0.0 CFNetwork/1220.1 Darwin/20.3.0' },
  { name: 'an iOS app agent with an iPhone model token', expected: 'ios', ua: 'ArcGISRuntime-iOS/100.1.1 (iOS 12.4.1; iPhone10,4)' },
  { name: 'an iOS app agent ending in an iPad model token', expected: 'ios', ua: 'ArcGISiOS-10.2.4/12.1/iPad5,2' },
  { name: 'an iPhone agent that says "like Mac OS X" without "iPhone OS"', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; U; CPU iPhone 6_1_4 like Mac OS X; en-us) AppleWebKit/528.18 (KHTML, like Gecko) Mobile/7E18 Grindr/1.8.8 (iPhone5,2/6.1.4)' },
  { name: 'Chrome on an iPad asking for the desktop site (CriOS)', expected: 'ios', ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_5) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/102 Version/11.1.1 Safari/605.1.15' },
  { name: 'UC Browser on Android (JUC)', expected: 'android', ua: 'JUC (Linux; U; 4.0.4; zh-cn; L-01E; 720*1280) UCWEB7.9.0.94/139/444' },
  { name: 'a Chromecast with Google TV', expected: 'web', ua: 'Mozilla/5.0 (Linux; Android 12.0; Build/STTL.240206.002) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/92.0.4515.0 Safari/537.36 CrKey/1.56.500000 DeviceType/AndroidTV' },
  { name: 'an Android TV box', expected: 'web', ua: 'Mozilla/5.0 (Linux; Android 4.1.1; Woxter Android TV 700 Build/JRO03H) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/28.0.1500.63 Safari/537.36 OPR/15.0.1162.61647' },
  { name: 'a Fire TV stick', expected: 'web', ua: 'Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/70.0.3538.110 Mobile Safari/537.36' },
  { name: 'an Apple TV', expected: 'web', ua: 'AppleCoreMedia/1.0.0.12F69 (Apple TV; U; CPU OS 8_3 like Mac OS X; en_us)' },
  { name: 'an Apple Watch', expected: 'web', ua: 'AppleCoreMedia/1.0.0.16R5303d (Apple Watch; U; CPU OS 5_0 like Mac OS X; en_au)' },
  { name: "a PlayStation Vita's Silk browser", expected: 'web', ua: 'Mozilla/5.0 (PlayStation Vita 1.81) AppleWebKit/531.22.8 (KHTML, like Gecko) Silk/3.2' },
  { name: 'a Meta Quest headset', expected: 'web', ua: 'Mozilla/5.0 (X11; Linux x86_64; Quest 3) AppleWebKit/537.36 (KHTML, like Gecko) OculusBrowser/36.6.0.9.50.692136875 Chrome/130.0.6723.191 VR Safari/537.36' },

  // Desktop
  { name: 'Chrome on Windows', expected: 'web', ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36' },
  { name: 'Firefox on Windows', expected: 'web', ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0' },
  { name: 'Edge on Windows', expected: 'web', ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0' },
  { name: 'Safari on macOS', expected: 'web', ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15' },
  { name: 'Chrome on macOS', expected: 'web', ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36' },
  { name: 'Firefox on Ubuntu', expected: 'web', ua: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0' },
  { name: 'Chrome on Linux', expected: 'web', ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36' },
  { name: 'Chrome on ChromeOS', expected: 'web', ua: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36' },
  // iPadOS Safari asks for desktop sites with this exact Mac UA; server-side it is a Mac.
  { name: 'an iPad in desktop mode (Mac UA, indistinguishable)', expected: 'web', ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15' },

  // Bots and tools: no special case. Those without an OS land on web; crawlers that emulate a
  // phone get that phone's platform, i.e. the redirect a real visitor on it would get.
  { name: 'Googlebot (classic desktop UA)', expected: 'web', ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
  { name: 'Googlebot desktop (evergreen Chrome)', expected: 'web', ua: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/126.0.6478.126 Safari/537.36' },
  { name: 'Googlebot smartphone, which claims Android', expected: 'android', ua: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
  { name: 'bingbot', expected: 'web', ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)' },
  { name: 'bingbot mobile, which claims an iPhone', expected: 'ios', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 7_0 like Mac OS X) AppleWebKit/537.51.1 (KHTML, like Gecko) Version/7.0 Mobile/11A465 Safari/9537.53 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)' },
  { name: 'facebookexternalhit', expected: 'web', ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' },
  { name: 'Twitterbot', expected: 'web', ua: 'Twitterbot/1.0' },
  { name: 'Slackbot-LinkExpanding', expected: 'web', ua: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
  { name: 'curl', expected: 'web', ua: 'curl/8.7.1' },
  { name: 'an empty UA', expected: 'web', ua: '' },
];

const IPHONE = CASES[0]!.ua;
const ANDROID = 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36';
const LINUX_DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

describe('createPlatformDetector', () => {
  const detect = createPlatformDetector();

  // Tuples rather than objects so %s prints the names in full, unquoted.
  it.each(CASES.map((c) => [c.name, c.expected, c.ua] as const))('sends %s to %s', (_name, expected, ua) => {
    expect(detect(ua)).toBe(expected);
    // Second call is served from the cache and must agree.
    expect(detect(ua)).toBe(expected);
  });

  it('covers enough real user agents', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(45);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  describe('Sec-CH-UA-Platform client hint', () => {
    it('lets an Android hint win over a desktop UA', () => {
      expect(detect(LINUX_DESKTOP, '"Android"')).toBe('android');
    });

    it('lets an iOS hint win over a desktop UA', () => {
      expect(detect(LINUX_DESKTOP, '"iOS"')).toBe('ios');
    });

    it.each(['"Windows"', '"macOS"', '"Linux"', '"Chrome OS"', '"Chromium OS"', '"Fuchsia"'])(
      'sends a phone UA to web when the hint says %s',
      (hint) => {
        expect(detect(ANDROID, hint)).toBe('web');
        expect(detect(IPHONE, hint)).toBe('web');
      },
    );

    it('reads the hint case-insensitively, quoted or not, with stray whitespace', () => {
      expect(detect(LINUX_DESKTOP, '"android"')).toBe('android');
      expect(detect(LINUX_DESKTOP, 'Android')).toBe('android');
      expect(detect(LINUX_DESKTOP, ' "IOS" ')).toBe('ios');
    });

    it.each([
      ['an empty quoted hint', '""'],
      ['an empty hint', ''],
      ['a null hint', null],
      ['an absent hint', undefined],
      ['"Unknown"', '"Unknown"'],
      ['an unrecognised platform', '"HarmonyOS"'],
    ])('falls back to the UA for %s', (_label, hint) => {
      expect(detect(ANDROID, hint)).toBe('android');
      expect(detect(IPHONE, hint)).toBe('ios');
      expect(detect(LINUX_DESKTOP, hint)).toBe('web');
    });

    it('does not let a hint poison the cache for the same UA', () => {
      const fresh = createPlatformDetector();
      expect(fresh(ANDROID, '"Windows"')).toBe('web');
      expect(fresh(ANDROID)).toBe('android');
    });
  });

  describe('cache', () => {
    it('still answers correctly with a 2-entry cache after many distinct UAs', () => {
      const tiny = createPlatformDetector({ cacheSize: 2 });
      for (let round = 0; round < 3; round++) {
        for (const { ua, expected } of CASES) expect(tiny(ua)).toBe(expected);
      }
      for (let i = 0; i < 5_000; i++) {
        expect(tiny(`Mozilla/5.0 (Linux; Android 14; Build/${i}) Mobile Safari/537.36`)).toBe('android');
        expect(tiny(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/${i}.0.0.0 Safari/537.36`)).toBe('web');
      }
      expect(tiny(IPHONE)).toBe('ios');
      expect(tiny(ANDROID)).toBe('android');
    });

    it('answers for a UA longer than the parser reads', () => {
      expect(detect(`${IPHONE} ${'x'.repeat(4_000)}`)).toBe('ios');
      expect(detect(`${ANDROID} ${'x'.repeat(4_000)}`)).toBe('android');
      expect(detect('x'.repeat(4_000))).toBe('web');
    });
  });
});

describe('bare device tokens', () => {
  const detect = createPlatformDetector();
  it.each([
    ['iPhone', 'ios'],
    ['iPad', 'ios'],
    ['Android', 'android'],
    ['Mozilla', 'web'],
    ['MyApp/1.0 (iPhone; build 7)', 'ios'],
    ['MyApp/2.1 (iPhone15,3; 17.0)', 'ios'],
    ['MyApp/2.1 (iPad8,9; 16.4)', 'ios'],
    ['MyApp/2.1 (Linux; android 14; Winnovo T10)', 'android'],
  ] as const)('sends the bare agent %j to %s, as the original did', (ua, platform) => {
    expect(detect(ua)).toBe(platform);
  });
});
