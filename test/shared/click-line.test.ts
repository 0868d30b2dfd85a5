import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLine, encodeComponent, encodeLine, encodeLineWithParams, encodeParams, sanitizeUserAgent, USER_AGENT_MAX_CHARS, type EventLine } from '../../src/shared/click-line.ts';

const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6();
// Well-formed Unicode: URL encoding cannot carry lone surrogates, and real input never has them.
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const paramsArb = fc.dictionary(text, fc.oneof(text, fc.constantFrom(' ', '&', '=', '%', '%2', '+', 'a b&c=d', '☃')), { maxKeys: 8 });
const uaArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', ' ', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)', 'a\nb\r\u0000c\u2028'),
);
const lineArb: fc.Arbitrary<EventLine> = fc.record({
  ip: fc.oneof(ipv4, ipv6),
  ts: fc.integer({ min: 0, max: 4_102_444_800 }),
  topic: fc.constantFrom('clicks', 'impressions', 'in_app.events'),
  type: fc.constantFrom('/t/click', '/t/imp', '/t/ist'),
  params: paramsArb,
  userAgent: uaArb,
});

describe('click line codec', () => {
  it('round-trips any line, with the user agent sanitised', () => {
    fc.assert(
      fc.property(lineArb, (line) => {
        const encoded = encodeLine(line);
        const decoded = decodeLine(encoded);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.line).toEqual({ ...line, userAgent: sanitizeUserAgent(line.userAgent) });
      }),
      { numRuns: 500 },
    );
  });

  it('never writes a line break, control character or unencoded space before the user agent', () => {
    fc.assert(
      fc.property(lineArb, (line) => {
        const encoded = encodeLine(line);
        expect(encoded).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        const head = encoded.split(' ').slice(0, 5);
        expect(head).toHaveLength(5);
        expect(head[4]).not.toMatch(/\s/);
      }),
      { numRuns: 500 },
    );
  });

  it('writes the documented field order', () => {
    const encoded = encodeLine({
      ip: '203.0.113.9',
      ts: 1465287056,
      topic: 'clicks',
      type: '/t/click',
      params: { click_id: 'abc', q: 'a b&c' },
      userAgent: 'Mozilla/5.0 (iPhone)',
    });
    expect(encoded).toBe('203.0.113.9 1465287056 clicks /t/click click_id=abc&q=a%20b%26c Mozilla/5.0 (iPhone)');
  });

  it('reads a line with an empty user agent, with or without the trailing space', () => {
    for (const raw of ['::1 10 clicks /t/click a=1 ', '::1 10 clicks /t/click a=1']) {
      const decoded = decodeLine(raw);
      expect(decoded.ok && decoded.line.userAgent).toBe('');
    }
  });

  it('caps the user agent without splitting a surrogate pair', () => {
    const ua = `${'a'.repeat(USER_AGENT_MAX_CHARS - 1)}😀tail`;
    const capped = sanitizeUserAgent(ua);
    expect(capped).toBe('a'.repeat(USER_AGENT_MAX_CHARS - 1));
    expect(sanitizeUserAgent('x'.repeat(5000))).toHaveLength(USER_AGENT_MAX_CHARS);
  });

  it('keeps __proto__ and constructor as ordinary params', () => {
    const decoded = decodeLine('1.2.3.4 1 clicks /t/click __proto__=x&constructor=y ua');
    expect(decoded.ok && decoded.line.params).toEqual(Object.fromEntries([['__proto__', 'x'], ['constructor', 'y']]));
    expect(decoded.ok && Object.getPrototypeOf(decoded.line.params)).toBe(Object.prototype);
  });

  it.each([
    ['', 'too_few_fields'],
    ['1.2.3.4 1 clicks', 'too_few_fields'],
    ['nonsense 1 clicks /t/click a=1 ua', 'bad_ip'],
    ['1.2.3.4 yesterday clicks /t/click a=1 ua', 'bad_ts'],
    ['1.2.3.4 -5 clicks /t/click a=1 ua', 'bad_ts'],
    ['1.2.3.4 1 cli/cks /t/click a=1 ua', 'bad_topic'],
    ['1.2.3.4 1 clicks t/click a=1 ua', 'bad_type'],
    ['1.2.3.4 1 clicks /t/click a=100% ua', 'bad_params'],
    ['1.2.3.4  clicks /t/click a=1 ua', 'bad_ts'],
  ])('rejects the malformed line %j with %s', (raw, code) => {
    const decoded = decodeLine(raw);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error.code).toBe(code);
      expect(decoded.error.message).not.toBe('');
    }
  });

  it('refuses to encode a line that could not be decoded', () => {
    const base: EventLine = { ip: '1.2.3.4', ts: 1, topic: 'clicks', type: '/t/click', params: {}, userAgent: '' };
    expect(() => encodeLine({ ...base, ip: 'localhost' })).toThrow(/IP/);
    expect(() => encodeLine({ ...base, ts: 1.5 })).toThrow(/ts/);
    expect(() => encodeLine({ ...base, topic: 'a b' })).toThrow(/topic/);
    expect(() => encodeLine({ ...base, type: '/t click' })).toThrow(/type/);
    expect(() => encodeLineWithParams(base, 'a=b c')).toThrow(/space/);
  });

  it('writes the same line from params encoded by the caller with encodeComponent', () => {
    fc.assert(
      fc.property(lineArb, (line) => {
        const field = Object.entries(line.params).map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&');
        expect(field).toBe(encodeParams(line.params));
        expect(encodeLineWithParams(line, field)).toBe(encodeLine(line));
      }),
    );
  });
});
