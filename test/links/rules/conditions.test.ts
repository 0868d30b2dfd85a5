import { describe, expect, it } from 'vitest';
import { decide, explain } from '../../../src/links/rules/decide.ts';
import { ctx, LINK_TARGETS, rules, visitor } from './support.ts';

const A = 'https://a.example/';
const B = 'https://b.example/';
const one = (when: object) => rules([{ when, target: A }]);
const target = (compiled: ReturnType<typeof rules>, facts: Parameters<typeof visitor>[0]) => decide(compiled, ctx(), visitor(facts)).target;

describe('each condition', () => {
  it('country: matches listed ISO codes, case-insensitively as written', () => {
    const r = one({ countries: ['de', 'AT'] });
    expect(target(r, { country: 'DE' })).toBe(A);
    expect(target(r, { country: 'AT' })).toBe(A);
    expect(target(r, { country: 'FR' })).toBe(LINK_TARGETS.default);
    expect(target(r, { country: null })).toBe(LINK_TARGETS.default);
  });

  it('language: any accepted language, a bare tag covering its regions', () => {
    const r = one({ languages: ['de', 'pt-BR'] });
    expect(target(r, { languages: ['en-us', 'de-at'] })).toBe(A);
    expect(target(r, { languages: ['pt-br'] })).toBe(A);
    expect(target(r, { languages: ['pt-pt', 'pt'] })).toBe(LINK_TARGETS.default);
    expect(target(r, { languages: [] })).toBe(LINK_TARGETS.default);
  });

  it('platform', () => {
    const r = one({ platforms: ['ios', 'android'] });
    expect(target(r, { platform: 'ios' })).toBe(A);
    expect(target(r, { platform: 'android' })).toBe(A);
    expect(target(r, { platform: 'web' })).toBe(LINK_TARGETS.default);
  });

  it('device type', () => {
    const r = one({ devices: ['tablet', 'tv'] });
    expect(target(r, { device: 'tablet' })).toBe(A);
    expect(target(r, { device: 'tv' })).toBe(A);
    expect(target(r, { device: 'phone' })).toBe(LINK_TARGETS.default);
    expect(target(r, { device: 'desktop' })).toBe(LINK_TARGETS.default);
  });

  it('query parameter: equals and present, all of them', () => {
    const r = one({ query: [{ param: 'utm_source', equals: 'fb' }, { param: 'gclid', present: true }] });
    expect(target(r, { query: { utm_source: 'fb', gclid: '' } })).toBe(A);
    expect(target(r, { query: { utm_source: 'FB', gclid: 'x' } })).toBe(LINK_TARGETS.default);
    expect(target(r, { query: { utm_source: 'fb' } })).toBe(LINK_TARGETS.default);
    // An inherited property is not a parameter the visitor sent.
    expect(target(one({ query: [{ param: 'toString', present: true }] }), { query: {} })).toBe(LINK_TARGETS.default);
  });

  it('IP range: IPv4, IPv6, single addresses and IPv4-mapped IPv6', () => {
    const r = one({ ips: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'] });
    expect(target(r, { ip: '10.200.3.4' })).toBe(A);
    expect(target(r, { ip: '::ffff:10.1.2.3' })).toBe(A);
    expect(target(r, { ip: '2001:db8:1::9' })).toBe(A);
    expect(target(r, { ip: '192.0.2.1' })).toBe(A);
    expect(target(r, { ip: '192.0.2.2' })).toBe(LINK_TARGETS.default);
    expect(target(r, { ip: '11.0.0.1' })).toBe(LINK_TARGETS.default);
    expect(target(r, { ip: '2001:db9::1' })).toBe(LINK_TARGETS.default);
    expect(target(r, { ip: 'garbage' })).toBe(LINK_TARGETS.default);
  });

  it('time window: from (inclusive) and until (exclusive)', () => {
    const r = one({ time: { from: '2026-06-01T00:00:00Z', until: '2026-06-02T00:00:00Z' } });
    expect(target(r, { nowMs: Date.parse('2026-06-01T00:00:00Z') })).toBe(A);
    expect(target(r, { nowMs: Date.parse('2026-06-01T23:59:59.999Z') })).toBe(A);
    expect(target(r, { nowMs: Date.parse('2026-05-31T23:59:59.999Z') })).toBe(LINK_TARGETS.default);
    expect(target(r, { nowMs: Date.parse('2026-06-02T00:00:00Z') })).toBe(LINK_TARGETS.default);
  });

  it('time window: daily hours and weekdays in a time zone, across midnight', () => {
    // 2026-06-01 is a Monday; Berlin is UTC+2 in summer.
    const r = one({ time: { days: ['mon'], hours: { from: '22:00', to: '02:00' }, timezone: 'Europe/Berlin' } });
    expect(target(r, { nowMs: Date.parse('2026-06-01T20:30:00Z') })).toBe(A); // 22:30 Mon Berlin
    expect(target(r, { nowMs: Date.parse('2026-06-01T19:59:00Z') })).toBe(LINK_TARGETS.default); // 21:59
    expect(target(r, { nowMs: Date.parse('2026-06-01T10:00:00Z') })).toBe(LINK_TARGETS.default); // noon
    expect(target(r, { nowMs: Date.parse('2026-06-02T20:30:00Z') })).toBe(LINK_TARGETS.default); // Tuesday
  });

  it('no conditions: every visitor matches', () => {
    expect(target(rules([{ target: A }]), {})).toBe(A);
  });

  it('all conditions of a rule must hold', () => {
    const r = one({ platforms: ['ios'], countries: ['DE'] });
    expect(target(r, { platform: 'ios', country: 'DE' })).toBe(A);
    expect(target(r, { platform: 'ios', country: 'FR' })).toBe(LINK_TARGETS.ios);
    expect(target(r, { platform: 'android', country: 'DE' })).toBe(LINK_TARGETS.android);
  });
});

describe('rule order and destinations', () => {
  const r = rules([
    { name: 'german-ios', when: { countries: ['DE'], platforms: ['ios'] }, target: A },
    { name: 'german', when: { countries: ['DE'] }, targets: { android: B } },
    { when: { languages: ['de'] }, target: B },
  ]);

  it('the first matching rule wins', () => {
    expect(decide(r, ctx(), visitor({ country: 'DE', platform: 'ios', languages: ['de'] }))).toEqual({ rule: { index: 0, name: 'german-ios' }, variant: null, target: A });
    expect(decide(r, ctx(), visitor({ country: 'DE', platform: 'android' })).rule?.name).toBe('german');
  });

  it('a rule with no destination for the platform passes to the next rule', () => {
    const d = decide(r, ctx(), visitor({ country: 'DE', platform: 'web', languages: ['de'] }));
    expect(d.rule).toEqual({ index: 2, name: '3' });
    expect(d.target).toBe(B);
  });

  it('no rule matches: the link targets for the platform', () => {
    expect(decide(r, ctx(), visitor({ platform: 'ios', country: 'FR' }))).toEqual({ rule: null, variant: null, target: LINK_TARGETS.ios });
    expect(decide(rules([]), ctx({ targets: { ios: LINK_TARGETS.ios } }), visitor({ platform: 'web' })).target).toBeUndefined();
  });

  it('asks for the country only when a rule reaches a country condition, after the cheaper ones', () => {
    const v = visitor({ platform: 'web', country: 'DE' });
    decide(rules([{ when: { platforms: ['ios'], countries: ['DE'] }, target: A }, { target: B }]), ctx(), v);
    expect(v.asked).toEqual([]);
  });

  it('explain names every failed condition of the earlier rules', () => {
    const e = explain(r, ctx(), visitor({ country: 'FR', platform: 'web', languages: ['de-ch'] }));
    expect(e.rule?.index).toBe(2);
    expect(e.rules.map((t) => t.matched)).toEqual([false, false, true]);
    expect(e.rules[0]?.reasons).toEqual(['platform web is not one of ios', 'country FR is not one of DE']);
    expect(e.rules[1]?.reasons).toEqual(['country FR is not one of DE']);
  });
});
