import { describe, expect, it } from 'vitest';
import { packValues, unpackValues } from '../../src/stats/packed-values.ts';

describe('packed message values', () => {
  it('gives back every value as its text, also multi-byte and empty ones', () => {
    const values = ['{"country":"DE"}', '', '{"city":"München","ua":"😀"}', 'not json', '{"a":1}'];
    const packed = packValues(values.map((v) => Buffer.from(v)));
    expect(packed.bytes.byteLength).toBe(values.reduce((n, v) => n + Buffer.byteLength(v), 0));
    expect(unpackValues(packed)).toEqual(values);
  });

  it('reads a batch that crossed to another thread as a plain Uint8Array', () => {
    const packed = packValues([Buffer.from('{"x":"ä"}'), Buffer.from('{"y":2}')]);
    const cloned = structuredClone({ bytes: new Uint8Array(packed.bytes), ends: packed.ends });
    expect(Buffer.isBuffer(cloned.bytes)).toBe(false);
    expect(unpackValues(cloned)).toEqual(['{"x":"ä"}', '{"y":2}']);
  });
});
