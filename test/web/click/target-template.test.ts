import { describe, expect, it } from 'vitest';
import { compileTemplate, expandTemplate, type TemplateValues } from '../../../src/web/click/target-template.ts';

const values: TemplateValues = {
  clickId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  slug: 'summer',
  campaign: 'spring sale',
  platform: 'ios',
  adid: '44566636-6BC5-48DE-B4AE-7DF9DF06B356',
  query: { sub: 'a1', evil: 'x&admin=1#frag', host: 'evil.test/', at: 'user@evil.test' },
};

function expand(target: string, overrides: Partial<TemplateValues> = {}): string {
  const template = compileTemplate(target);
  return template ? expandTemplate(template, { ...values, ...overrides }) : target;
}

describe('target templates', () => {
  it.each([
    ['https://example.com/l?cid={click_id}', 'https://example.com/l?cid=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'],
    ['https://example.com/{slug}/{platform}', 'https://example.com/summer/ios'],
    ['https://example.com/l?c={campaign}', 'https://example.com/l?c=spring%20sale'],
    ['https://example.com/l?device={adid}', 'https://example.com/l?device=44566636-6BC5-48DE-B4AE-7DF9DF06B356'],
    ['https://example.com/l?s={q:sub}&s2={q:sub}', 'https://example.com/l?s=a1&s2=a1'],
    ['https://example.com/l#{click_id}', 'https://example.com/l#0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'],
  ])('expands %s', (target, expected) => {
    expect(expand(target)).toBe(expected);
  });

  it('encodes values so they cannot add a parameter, a fragment, a path or a host', () => {
    expect(expand('https://example.com/l?s={q:evil}')).toBe('https://example.com/l?s=x%26admin%3D1%23frag');
    expect(expand('https://example.com/{q:host}')).toBe('https://example.com/evil.test%2F');
    const url = new URL(expand('https://example.com/l?s={q:evil}&t={q:at}'));
    expect(url.host).toBe('example.com');
    expect(url.hash).toBe('');
    expect([...url.searchParams.keys()]).toEqual(['s', 't']);
    expect(url.searchParams.get('s')).toBe('x&admin=1#frag');
  });

  it('never expands a placeholder in the scheme or host', () => {
    expect(expand('https://{q:host}/l?c={click_id}')).toBe('https://{q:host}/l?c=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
    expect(expand('https://{q:host}')).toBe('https://{q:host}');
    expect(expand('https://example.com@{q:host}/x')).toBe('https://example.com@{q:host}/x');
  });

  it('fills in nothing for a value the click does not have', () => {
    expect(expand('https://example.com/l?s={q:missing}&d={adid}&c={campaign}', { adid: undefined, campaign: null })).toBe(
      'https://example.com/l?s=&d=&c=',
    );
  });

  it('leaves unknown placeholders as written', () => {
    expect(expand('https://example.com/l?x={unknown}&y={q:}&c={click_id}')).toBe(
      'https://example.com/l?x={unknown}&y={q:}&c=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    );
  });

  it('reports that a target without placeholders needs no expansion', () => {
    expect(compileTemplate('https://example.com/l?x=1')).toBeNull();
    expect(compileTemplate('https://example.com/l?x={nope}')).toBeNull();
  });

  it('reads a visitor parameter named like an object property as plain data', () => {
    expect(expand('https://example.com/l?p={q:constructor}', { query: {} })).toBe('https://example.com/l?p=');
  });

  it('survives a lone surrogate in a visitor value', () => {
    expect(expand('https://example.com/l?s={q:sub}', { query: { sub: '\ud800' } })).toBe('https://example.com/l?s=%EF%BF%BD');
  });
});
