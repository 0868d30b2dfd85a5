import { describe, expect, it } from 'vitest';
import { appendPairs, decodeComponent, queryKeys, splitUrl } from '../../../src/web/click/url-query.ts';

describe('url-query', () => {
  it('splits a URL into base, query and fragment without re-encoding anything', () => {
    expect(splitUrl('https://x.test/a?b=%2F&c#d?e')).toEqual({ base: 'https://x.test/a', query: 'b=%2F&c', fragment: '#d?e' });
    expect(splitUrl('https://x.test/a#f')).toEqual({ base: 'https://x.test/a', query: null, fragment: '#f' });
  });

  it.each([
    ['https://x.test/a', 'https://x.test/a?k=v'],
    ['https://x.test/a?', 'https://x.test/a?k=v'],
    ['https://x.test/a?b=1', 'https://x.test/a?b=1&k=v'],
    ['https://x.test/a?b=1&', 'https://x.test/a?b=1&k=v'],
    ['https://x.test/a?b=1#top', 'https://x.test/a?b=1&k=v#top'],
    ['https://x.test/a#top?x', 'https://x.test/a?k=v#top?x'],
  ])('appends to %s', (url, expected) => {
    expect(appendPairs(url, ['k=v'])).toBe(expected);
  });

  it('reads keys as a browser would', () => {
    expect([...queryKeys('a=1&b%5B%5D=2&c+d=3&&e')]).toEqual(['a', 'b[]', 'c d', 'e']);
  });

  it('keeps a broken escape as written instead of throwing', () => {
    expect(decodeComponent('100%')).toBe('100%');
    expect(decodeComponent('%E2%98%83')).toBe('☃');
  });
});
