import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readAdIds } from '../../../src/web/click/ad-ids.ts';
import { attribution, CLICK_PARAM_MAX_CHARS, type AttributionInput } from '../../../src/web/click/attribution.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const TS = 1_700_000_000;
const link = { attributionWindowIdfa: 100, attributionWindowFingerprint: 10 };

function run(query: Record<string, string>, overrides: Partial<AttributionInput> = {}) {
  return attribution({ ids: readAdIds(query), query, ip: '127.0.0.1', platform: 'ios', tsSeconds: TS, link, privacy: false, ...overrides });
}

describe('attribution', () => {
  it("matches the original tracker's lookup key for an advertising id", () => {
    // From the original's redirect test: this adid on an iPhone gave this lookup key.
    const { fields } = run({ adid: '44566636-6BC5-48DE-B4AE-7DF9DF06B356' });
    expect(fields.idfa_comb).toBe('44566636-6BC5-48DE-B4AE-7DF9DF06B356');
    expect(fields.lookup_key).toBe('eb2e4ebe9bf98f8c92efc5f2cb468b18');
  });

  it('keys a click without an id by md5 of "<ip>.<platform>"', () => {
    expect(run({}).fields.lookup_key).toBe(md5('127.0.0.1.ios'));
    expect(run({}, { ip: '2001:DB8::1', platform: 'android' }).fields.lookup_key).toBe(md5('2001:db8::1.android'));
    expect(run({}).fields.idfa_comb).toBeUndefined();
  });

  it('keys by the lower-cased hash when only a hash was sent', () => {
    const hash = md5('device');
    expect(run({ idfa_md5: hash.toUpperCase() }).fields).toMatchObject({ idfa_md5: hash, idfa_comb: hash, lookup_key: md5(hash) });
  });

  it.each([
    ['the idfa window with an advertising id', { adid: '44566636-6BC5-48DE-B4AE-7DF9DF06B356' }, 100 * 60],
    ['the idfa window with a hashed id', { idfa_sha1: 'a'.repeat(40) }, 100 * 60],
    ['the fingerprint window without one', {}, 10 * 60],
    ['the fingerprint window for an invalid id', { adid: 'nope' }, 10 * 60],
  ])('opens the attribution window at the click and closes it after %s', (_, query, seconds) => {
    const { fields } = run(query);
    expect(fields.attr_window_from).toBe(String(TS));
    expect(fields.attr_window_till).toBe(String(TS + seconds));
  });

  it('passes click and partner_data through, and cb as partner_data', () => {
    expect(run({ click: 'abc', partner_data: 'p' }).fields).toMatchObject({ click: 'abc', partner_data: 'p' });
    const viaCb = run({ cb: 'from-cb' });
    expect(viaCb.fields.partner_data).toBe('from-cb');
    expect(viaCb.consumed).toEqual(['cb']);
    // partner_data wins; cb then stays a visitor parameter.
    expect(run({ partner_data: 'p', cb: 'c' }).consumed).toEqual(['partner_data']);
  });

  it('cuts a long click value as the original did, and says so', () => {
    const result = run({ click: 'c'.repeat(300) });
    expect(result.fields.click).toHaveLength(CLICK_PARAM_MAX_CHARS);
    expect(result.truncated).toBe(true);
    expect(run({ click: 'c' }).truncated).toBe(false);
  });

  it('consumes only the ids it used, so invalid ones stay visible in reqparams', () => {
    expect(run({ adid: 'nope', idfa: '44566636-6BC5-48DE-B4AE-7DF9DF06B356', other: '1' }).consumed).toEqual(['idfa']);
  });

  it('writes no fingerprint for a visitor who asked for privacy, and says so', () => {
    const { fields } = run({}, { privacy: true });
    expect(fields.lookup_key).toBeUndefined();
    expect(fields.privacy).toBe('1');
    expect(fields.attr_window_till).toBe(String(TS + 10 * 60));
  });

  it('still keys by an advertising id the network sent under privacy', () => {
    const { fields } = run({ adid: '44566636-6BC5-48DE-B4AE-7DF9DF06B356' }, { privacy: true });
    expect(fields.lookup_key).toBe('eb2e4ebe9bf98f8c92efc5f2cb468b18');
  });

  it('lists the fields in a fixed order', () => {
    const { fields } = run({ adid: '44566636-6BC5-48DE-B4AE-7DF9DF06B356', click: 'c', cb: 'p' });
    expect(Object.keys(fields)).toEqual(['adid', 'idfa_comb', 'lookup_key', 'attr_window_from', 'attr_window_till', 'click', 'partner_data']);
  });
});
