import { describe, expect, it } from 'vitest';
import { createLinkSchema, isPlainTargetUrl } from '../../src/links/link-schemas.ts';

describe('target URLs', () => {
  it.each([
    'https://apps.apple.com/app/id284882215',
    'HTTPS://Example.com/landing',
    'http://example.com',
    'https://example.com?utm_source=x',
    'https://example.com#top',
    'https://example.com:8443/a/@handle',
    'https://[2001:db8::1]/x',
    'https://example.com/{click_id}?sub={q:sub}',
    'market://details?id=com.example.app',
    'itms-apps://apps.apple.com/app/id284882215',
  ])('accepts %s', (url) => {
    expect(isPlainTargetUrl(url)).toBe(true);
  });

  it.each([
    ['no slashes after the scheme', 'https:evil.com'],
    ['backslashes after the scheme', 'https:\\\\evil.com'],
    ['one slash', 'https:/evil.com'],
    ['three slashes', 'https:///evil.com'],
    ['a backslash in the path', 'https://example.com\\@evil.com'],
    ['a host hidden behind credentials', 'https://apps.apple.com@evil.com/app'],
    ['a user and password', 'https://user:secret@example.com/'],
    ['no host', 'http://'],
    ['market: running script', 'market:javascript:alert(1)'],
    ['market: without details', 'market://search?q=maps'],
    ['itms-apps: without slashes', 'itms-apps:apps.apple.com/app/id1'],
    ['javascript:', 'javascript:alert(1)'],
    ['no scheme', 'example.com/landing'],
  ])('refuses %s', (_why, url) => {
    expect(isPlainTargetUrl(url)).toBe(false);
    const parsed = createLinkSchema.safeParse({ targets: { default: url } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['targets', 'default']);
  });
});
