import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * True when `authorization` is `Bearer <expected>`. Compared in constant time over hashes,
 * so neither the comparison nor a length check tells how long the token is.
 */
export function bearerMatches(expected: string, authorization: string | undefined): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return timingSafeEqual(digest(expected), digest(match?.[1] ?? ''));
}
