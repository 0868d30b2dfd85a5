import { LRUCache } from 'lru-cache';
import { withTimeout } from '../shared/with-timeout.ts';
import { hashWriteKey, looksLikeWriteKey, type WriteKeyApp } from './write-key.ts';
import type { WriteKeyLookup } from './write-key-store.ts';

export interface WriteKeyVerifierOptions {
  /** How long an answer (live, unknown or revoked) is trusted: a revocation reaches every process within this. */
  ttlMs?: number;
  lookupTimeoutMs?: number;
  maxKeys?: number;
}

export type KeyCheck = { kind: 'ok'; app: WriteKeyApp } | { kind: 'unknown' } | { kind: 'unavailable' };

export interface WriteKeyVerifier {
  check(key: string): Promise<KeyCheck>;
  /** Forgets every answer, so a key revoked in this process stops working here at once. */
  forget(): void;
}

interface Answer {
  app: WriteKeyApp | null;
}

export class KeyLookupTimeout extends Error {
  override name = 'KeyLookupTimeout';
}

/**
 * The event path's key check: one indexed lookup per key per `ttlMs`, shared by the
 * requests that ask at once. Unknown keys are remembered too, so a flood with a wrong key
 * does not reach the database. When the database fails, a key it knew stays usable
 * (a stale answer), so an outage of Postgres does not refuse the events of known apps.
 */
export function createWriteKeyVerifier(lookup: WriteKeyLookup, options: WriteKeyVerifierOptions = {}): WriteKeyVerifier {
  const lookupTimeoutMs = options.lookupTimeoutMs ?? 1_000;
  const cache = new LRUCache<string, Answer>({
    max: options.maxKeys ?? 10_000,
    ttl: options.ttlMs ?? 5_000,
    allowStaleOnFetchRejection: true,
    noDeleteOnFetchRejection: true,
    fetchMethod: async (hash) => ({
      app: await withTimeout(lookup.findLive(hash), lookupTimeoutMs, () => new KeyLookupTimeout(`write key lookup took over ${lookupTimeoutMs} ms`)),
    }),
  });
  return {
    async check(key) {
      if (!looksLikeWriteKey(key)) return { kind: 'unknown' };
      let answer: Answer | undefined;
      try {
        answer = await cache.fetch(hashWriteKey(key));
      } catch {
        return { kind: 'unavailable' };
      }
      if (!answer) return { kind: 'unavailable' };
      return answer.app ? { kind: 'ok', app: answer.app } : { kind: 'unknown' };
    },
    forget() {
      cache.clear();
    },
  };
}
