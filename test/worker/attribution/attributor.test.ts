import { describe, expect, it } from 'vitest';
import { attributeEvents, matchEvent, type PendingEvent } from '../../../src/worker/attribution/attributor.ts';
import { createMemoryClickIndex, findInAll, type ClickIndex } from '../../../src/worker/attribution/click-index.ts';
import { eventKeys } from '../../../src/worker/attribution/event-keys.ts';
import type { IndexedClick } from '../../../src/worker/attribution/indexed-click.ts';
import { md5Hex } from '../../../src/web/click/attribution.ts';

const T = 1_800_000_000;
const ADID = '44566636-6BC5-48DE-B4AE-7DF9DF06B356';
const click = (over: Partial<IndexedClick>): IndexedClick => ({ id: 'c', l: 1, s: 's', c: 'camp', g: 'g', a: 'a', n: 'net', t: T - 100, w: T + 3600, ...over });
const event = (params: Record<string, string>, ip = '8.8.8.8', platform = 'ios', ts = T): PendingEvent => ({
  line: { ip, ts, topic: 'events', type: '/v1/track', params: { message_id: 'm', event: 'install', ...params }, userAgent: '' },
  keys: eventKeys({ message_id: 'm', ...params }, ip, platform),
  eventTs: ts,
});
const found = (clicks: IndexedClick[]) => ({
  byId: new Map(clicks.map((c) => [c.id, c])),
  byKey: clicks.reduce((m, c) => (c.lk ? m.set(c.lk, [...(m.get(c.lk) ?? []), c]) : m), new Map<string, IndexedClick[]>()),
});

describe('matching an event to its click', () => {
  it('prefers the click id, then the advertising id, then the fingerprint', () => {
    const print = click({ id: 'p', l: 3, k: 'fingerprint', lk: md5Hex('8.8.8.8.ios'), t: T - 10 });
    const byAd = click({ id: 'ad', l: 2, k: 'adid', lk: md5Hex(ADID.toLowerCase()), t: T - 20 });
    const byId = click({ id: 'x', l: 1, t: T - 30 });
    const all = found([print, byAd, byId]);
    expect(matchEvent(event({ click_id: 'x', adid: ADID }), all)).toMatchObject({ click_id: 'x', match: 'click_id', seconds_since_click: 30 });
    expect(matchEvent(event({ gaid: ADID.replaceAll('-', '').toLowerCase() }), all)).toMatchObject({ click_id: 'ad', match: 'adid' });
    expect(matchEvent(event({}), all)).toMatchObject({ click_id: 'p', match: 'fingerprint' });
    expect(matchEvent(event({}, '8.8.8.8', 'android'), all)).toBeNull();
  });

  it('matches a click whose network only had the hash of the id (idfa_md5)', () => {
    const hashed = md5Hex(ADID);
    const c = click({ id: 'h', k: 'adid', lk: md5Hex(hashed) });
    expect(matchEvent(event({ idfa: ADID }), found([c]))).toMatchObject({ click_id: 'h', match: 'adid' });
    expect(matchEvent(event({ idfa_md5: hashed.toUpperCase() }), found([c]))).toMatchObject({ click_id: 'h', match: 'adid' });
  });

  it('takes the latest click whose window is still open, never one after the event', () => {
    const lk = md5Hex('8.8.8.8.ios');
    const older = click({ id: 'older', k: 'fingerprint', lk, t: T - 500, w: T + 60 });
    const closed = click({ id: 'closed', k: 'fingerprint', lk, t: T - 100, w: T - 1 });
    const later = click({ id: 'later', k: 'fingerprint', lk, t: T + 5 });
    expect(matchEvent(event({}), found([older, closed, later]))).toMatchObject({ click_id: 'older' });
    expect(matchEvent(event({ click_id: 'closed' }), found([closed]))).toBeNull();
  });

  it('never matches a private event or a private click by fingerprint', () => {
    const lk = md5Hex('8.8.8.8.ios');
    expect(matchEvent(event({ privacy: '1' }), found([click({ k: 'fingerprint', lk })]))).toBeNull();
    expect(matchEvent(event({}), found([click({ k: 'fingerprint', lk, p: 1 })]))).toBeNull();
    // A click id is no fingerprint: it still matches.
    expect(matchEvent(event({ privacy: '1', click_id: 'c' }), found([click({ p: 1 })]))).toMatchObject({ match: 'click_id' });
  });
});

describe('waiting for a click', () => {
  const settings = { graceSeconds: 30, maxWaitSeconds: 600 };
  const index = createMemoryClickIndex(() => T);
  it('parks an unmatched event within the grace, then while older lines wait, then gives it up as organic', async () => {
    const young = event({ click_id: 'nope' }, '8.8.8.8', 'ios', T - 5);
    const old = event({ click_id: 'nope' }, '8.8.8.8', 'ios', T - 100);
    const nowMs = T * 1000;
    const [a, b] = await attributeEvents([young, old], index, [], { nowMs, settings, oldestWaitingTs: async () => T - 200 });
    expect(a).toHaveProperty('retryAtMs');
    expect(b).toHaveProperty('retryAtMs');
    const [c] = await attributeEvents([old], index, [], { nowMs, settings, oldestWaitingTs: async () => T - 50 });
    expect(c).toEqual({ attribution: null });
    const [d] = await attributeEvents([event({ click_id: 'nope' }, '8.8.8.8', 'ios', T - 700)], index, [], { nowMs, settings, oldestWaitingTs: async () => T - 800 });
    expect(d).toEqual({ attribution: null });
    // Nothing to match on (no ids, privacy): organic at once.
    const [e] = await attributeEvents([event({ privacy: '1' })], index, [], { nowMs, settings, oldestWaitingTs: async () => T - 800 });
    expect(e).toEqual({ attribution: null });
  });

  it('matches a click of the same batch', async () => {
    const [outcome] = await attributeEvents([event({ click_id: 'same' })], index, [click({ id: 'same' })], { nowMs: T * 1000, settings, oldestWaitingTs: async () => undefined });
    expect(outcome).toMatchObject({ attribution: { click_id: 'same' } });
  });

  it('with one of several indexes down, finds what the others hold and lets unmatched events wait', async () => {
    const up = createMemoryClickIndex(() => T);
    await up.add([click({ id: 'here' })], T);
    const down = { ...createMemoryClickIndex(), find: async () => Promise.reject(new Error('ECONNREFUSED')) } as ClickIndex;
    const lookup = findInAll([up, down]);
    const old = (id: string) => event({ click_id: id }, '8.8.8.8', 'ios', T - 100);
    const [hit, waiting] = await attributeEvents([old('here'), old('elsewhere')], lookup, [], { nowMs: T * 1000, settings, oldestWaitingTs: async () => undefined });
    expect(hit).toMatchObject({ attribution: { click_id: 'here' } });
    expect(waiting).toHaveProperty('retryAtMs');
    await expect(findInAll([down, down]).find(['x'], [])).rejects.toThrow('ECONNREFUSED');
  });

  it('keeps the first decision per message id', async () => {
    expect(await index.decide([['m1', 'first']])).toEqual(['first']);
    expect(await index.decide([['m1', 'second'], ['m2', 'other']])).toEqual(['first', 'other']);
  });
});
