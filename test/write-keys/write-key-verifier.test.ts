import { describe, expect, it } from 'vitest';
import { generateWriteKey, hashWriteKey, type WriteKeyApp } from '../../src/write-keys/write-key.ts';
import { createWriteKeyVerifier } from '../../src/write-keys/write-key-verifier.ts';

const APP: WriteKeyApp = { id: 7, name: 'App', platform: 'ios' };

/** A key table in memory, with a switch that makes every lookup fail (Postgres down). */
function table(keys: string[]) {
  const live = new Map(keys.map((k) => [hashWriteKey(k), APP]));
  const state = { lookups: 0, down: false };
  return {
    state,
    revoke: (key: string) => live.delete(hashWriteKey(key)),
    lookup: {
      async findLive(hash: string) {
        state.lookups++;
        if (state.down) throw new Error('database down');
        return live.get(hash) ?? null;
      },
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('write key verifier', () => {
  it('answers a live key, and refuses a garbled one without a lookup', async () => {
    const key = generateWriteKey();
    const t = table([key]);
    const verifier = createWriteKeyVerifier(t.lookup);
    expect(await verifier.check(key)).toEqual({ kind: 'ok', app: APP });
    expect(await verifier.check('wk_short')).toEqual({ kind: 'unknown' });
    expect(t.state.lookups).toBe(1);
  });

  it('remembers answers for the TTL, so a revocation elsewhere is seen once it passes', async () => {
    const key = generateWriteKey();
    const t = table([key]);
    const verifier = createWriteKeyVerifier(t.lookup, { ttlMs: 100 });
    await verifier.check(key);
    t.revoke(key);
    expect((await verifier.check(key)).kind).toBe('ok');
    await sleep(150);
    expect((await verifier.check(key)).kind).toBe('unknown');
  });

  it('forgets everything at once when told (a revocation in this process)', async () => {
    const key = generateWriteKey();
    const t = table([key]);
    const verifier = createWriteKeyVerifier(t.lookup, { ttlMs: 60_000 });
    await verifier.check(key);
    t.revoke(key);
    verifier.forget();
    expect((await verifier.check(key)).kind).toBe('unknown');
  });

  it('keeps a known key working while the database is down, and says unavailable for a new one', async () => {
    const known = generateWriteKey();
    const other = generateWriteKey();
    const t = table([known, other]);
    const verifier = createWriteKeyVerifier(t.lookup, { ttlMs: 50 });
    await verifier.check(known);
    await sleep(80);
    t.state.down = true;
    expect(await verifier.check(known)).toEqual({ kind: 'ok', app: APP });
    expect(await verifier.check(other)).toEqual({ kind: 'unavailable' });
  });

  it('gives up on a lookup that hangs', async () => {
    const key = generateWriteKey();
    const verifier = createWriteKeyVerifier({ findLive: () => new Promise(() => {}) }, { lookupTimeoutMs: 50 });
    expect(await verifier.check(key)).toEqual({ kind: 'unavailable' });
  });
});
