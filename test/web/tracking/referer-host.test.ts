import { describe, expect, it } from 'vitest';
import { refererHost } from '../../../src/web/tracking/referer-host.ts';

describe('refererHost', () => {
  it('keeps only the host of the Referer, lower-cased, without port, path or query', () => {
    expect(refererHost('https://News.Example.com:8443/a/b?gclid=secret#x')).toBe('news.example.com');
    expect(refererHost('http://user:pw@site.example/path')).toBe('site.example');
    expect(refererHost('android-app://com.google.android.gm/')).toBe('com.google.android.gm');
    expect(refererHost('https://[2001:db8::1]:443/')).toBe('[2001:db8::1]');
  });

  it('gives an empty host for a missing or malformed header', () => {
    for (const value of [undefined, '', 'not a url', '/relative/path', 'https://', 'https://bad host/', `https://${'a'.repeat(300)}/`]) {
      expect(refererHost(value)).toBe('');
    }
  });
});
