import { describe, expect, it } from 'vitest';
import { checkEvent, MAX_FUTURE_MS, MAX_PAST_MS, PROPERTIES_MAX_BYTES } from '../../../src/web/ingest/ingest-event.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ctx = { nowMs: NOW, newMessageId: () => 'generated-id', defaultPlatform: 'ios' };
const check = (raw: unknown) => checkEvent(raw, ctx);
const errorsOf = (raw: unknown) => {
  const result = check(raw);
  return result.ok ? [] : result.errors;
};

describe('checkEvent: the validation table', () => {
  // Each row: an event with one thing wrong, and the field its error must name.
  const refused: Array<[string, unknown, string]> = [
    ['no event name', {}, 'event: is required'],
    ['an event name that is not text', { event: 5 }, 'event: must be text'],
    ['an event name over 128 characters', { event: 'x'.repeat(129) }, 'event: must be at most 128'],
    ['a control character in the name', { event: 'in\nstall' }, 'event: must not contain control'],
    ['a messageId with a space', { event: 'open', messageId: 'a b' }, 'messageId:'],
    ['a messageId over 128 characters', { event: 'open', messageId: 'm'.repeat(129) }, 'messageId:'],
    ['a timestamp that is not a time', { event: 'open', timestamp: 'yesterday' }, 'timestamp:'],
    ['a bare date as timestamp', { event: 'open', timestamp: '2026-03-01' }, 'timestamp:'],
    ['a click_id that is not a UUID', { event: 'install', click_id: 'abc' }, 'click_id:'],
    ['a malformed adid', { event: 'install', adid: 'X1' }, 'adid:'],
    ['a malformed idfa', { event: 'install', idfa: '{idfa}' }, 'idfa:'],
    ['a malformed gaid', { event: 'install', gaid: 12 }, 'gaid:'],
    ['an idfa_md5 that is not 32 hex digits', { event: 'install', idfa_md5: 'abc' }, 'idfa_md5: must be 32 hex'],
    ['an idfa_sha1 that is not 40 hex digits', { event: 'install', idfa_sha1: 'f'.repeat(39) }, 'idfa_sha1: must be 40 hex'],
    ['a platform with spaces', { event: 'open', platform: 'i os' }, 'platform:'],
    ['an app_version that is not text', { event: 'open', app_version: 3 }, 'app_version: must be text'],
    ['revenue that is not a number', { event: 'purchase', revenue: 'lots', currency: 'USD' }, 'revenue:'],
    ['revenue in exponent form', { event: 'purchase', revenue: 1e-9, currency: 'USD' }, 'revenue:'],
    ['revenue without currency', { event: 'purchase', revenue: 4.99 }, 'currency: is required with revenue'],
    ['an unknown currency', { event: 'purchase', revenue: 4.99, currency: 'XYZ' }, 'currency: must be an ISO 4217'],
    ['a currency that is not three letters', { event: 'purchase', revenue: 4.99, currency: 'dollar' }, 'currency:'],
    ['properties that are an array', { event: 'open', properties: [1] }, 'properties: must be a JSON object'],
    ['properties over 32 KB', { event: 'open', properties: { blob: 'x'.repeat(PROPERTIES_MAX_BYTES) } }, 'properties: must be at most 32768 bytes'],
  ];
  it.each(refused)('refuses %s, naming the field', (_, raw, message) => {
    const errors = errorsOf(raw);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it('refuses what is not an object', () => {
    for (const raw of [null, 'install', 3, [{ event: 'install' }]]) expect(errorsOf(raw)[0]).toMatch(/^event: each event must be a JSON object/);
  });

  it('names every problem of one event at once', () => {
    expect(errorsOf({ click_id: 'x', currency: 'XYZ' }).map((e) => e.split(':')[0])).toEqual(['event', 'click_id', 'currency']);
  });

  it('takes a full event and normalises its ids, platform, money and properties', () => {
    const result = check({
      event: 'purchase',
      messageId: 'm-1',
      timestamp: '2026-03-01T11:00:00Z',
      click_id: '0199A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B',
      adid: '44566636-6bc5-48de-b4ae-7df9df06b356',
      gaid: '44566636' + '6bc548deb4ae7df9df06b356',
      idfa_md5: 'AB'.repeat(16),
      idfa_sha1: 'CD'.repeat(20),
      platform: 'Android',
      app_version: '2.1.0',
      revenue: 4.99,
      currency: 'eur',
      properties: { sku: 'gold', qty: 2 },
      context: { ignored: true },
    });
    expect(result).toEqual({
      ok: true,
      event: {
        messageId: 'm-1',
        event: 'purchase',
        timestampMs: Date.parse('2026-03-01T11:00:00Z'),
        clickId: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
        adid: '44566636-6BC5-48DE-B4AE-7DF9DF06B356',
        gaid: '44566636-6BC5-48DE-B4AE-7DF9DF06B356',
        idfaMd5: 'ab'.repeat(16),
        idfaSha1: 'cd'.repeat(20),
        platform: 'android',
        appVersion: '2.1.0',
        revenue: '4.99',
        currency: 'EUR',
        properties: '{"sku":"gold","qty":2}',
      },
    });
  });

  it('generates the messageId, takes the server time and the key platform when they are missing', () => {
    expect(check({ event: 'install' })).toEqual({ ok: true, event: { event: 'install', messageId: 'generated-id', timestampMs: NOW, platform: 'ios' } });
  });

  it('takes revenue sent as a decimal string as it is, negative (a refund) included', () => {
    const result = check({ event: 'refund', revenue: '-12.50', currency: 'JPY' });
    expect(result.ok && [result.event.revenue, result.event.currency]).toEqual(['-12.50', 'JPY']);
  });

  it('goes on without the all-zero opt-out ids instead of refusing the event', () => {
    const result = check({ event: 'install', idfa: '00000000-0000-0000-0000-000000000000', gaid: '0'.repeat(32) });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.event).not.toHaveProperty('idfa');
    if (result.ok) expect(result.event).not.toHaveProperty('gaid');
  });
});

describe('checkEvent: clock skew', () => {
  const timeOf = (timestamp: unknown) => {
    const result = check({ event: 'open', timestamp });
    if (!result.ok) throw new Error(result.errors.join('; '));
    return result.event;
  };

  it('keeps a time within 24 h behind and 30 min ahead, as ISO-8601 or Unix milliseconds', () => {
    expect(timeOf(new Date(NOW - MAX_PAST_MS).toISOString())).toEqual(expect.objectContaining({ timestampMs: NOW - MAX_PAST_MS }));
    expect(timeOf(NOW + MAX_FUTURE_MS)).toEqual(expect.objectContaining({ timestampMs: NOW + MAX_FUTURE_MS }));
    expect(timeOf('2026-03-01T13:15:00+01:00').timestampMs).toBe(Date.parse('2026-03-01T12:15:00Z'));
    expect(timeOf(NOW - 1000)).not.toHaveProperty('originalTimestamp');
  });

  it('replaces a time over 24 h old by the server time and keeps the sent one', () => {
    const sent = new Date(NOW - MAX_PAST_MS - 1000).toISOString();
    expect(timeOf(sent)).toEqual(expect.objectContaining({ timestampMs: NOW, originalTimestamp: sent }));
  });

  it('replaces a time over 30 min ahead, sent as milliseconds, and keeps it as ISO-8601', () => {
    const sentMs = NOW + MAX_FUTURE_MS + 1;
    expect(timeOf(sentMs)).toEqual(expect.objectContaining({ timestampMs: NOW, originalTimestamp: new Date(sentMs).toISOString() }));
  });
});
