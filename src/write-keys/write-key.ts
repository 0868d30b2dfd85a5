import { createHash, randomBytes } from 'node:crypto';

/**
 * A write key: `wk_` and 32 random bytes, base64url. It authenticates events only
 * (`/v1/track`, `/v1/batch`); it ships inside apps, so it is public in practice, and is
 * kept apart from `API_KEY`, which manages links. Pure: no database here, so the CLI's
 * usage text and the admin views can use it without loading a driver.
 */
export const WRITE_KEY_PREFIX = 'wk_';
const KEY_BYTES = 32;
/** What the list shows of a key: `wk_` and 8 characters, enough to tell keys apart. */
const SHOWN_CHARS = WRITE_KEY_PREFIX.length + 8;

export interface WriteKeyRecord {
  id: number;
  name: string;
  platform: string;
  /** `wk_AbCd1234`: the start of the key, never the key. */
  keyPrefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A key as created: the only moment its text exists outside the app that holds it. */
export interface CreatedWriteKey {
  record: WriteKeyRecord;
  key: string;
}

/** What an accepted event is tied to: the app whose key sent it. */
export interface WriteKeyApp {
  id: number;
  name: string;
  platform: string;
}

export function generateWriteKey(): string {
  return WRITE_KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
}

/**
 * SHA-256 without salt or stretching: the key is 256 random bits, so there is nothing to
 * guess, and a plain digest lets the event path find a key with one indexed lookup.
 */
export function hashWriteKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function shownPrefix(key: string): string {
  return key.slice(0, SHOWN_CHARS);
}

/** Cheap shape test, so a garbled key is refused without touching the database. */
export function looksLikeWriteKey(text: string): boolean {
  return /^wk_[A-Za-z0-9_-]{43}$/.test(text);
}
