import { md5Int64 } from './md5-head.ts';

/**
 * The dedupe key of an event id: the first 8 bytes of its md5 as a signed bigint, the same
 * as `('x' || substr(md5(id), 1, 16))::bit(64)::bigint` in SQL (migration 0007 turned the
 * old text ids into keys that way). Ids are random UUIDs made by our own web processes, so
 * nobody picks two that collide; by chance, two of a billion keys collide with a probability
 * of about 3%, and since the dedupe row's key also holds the link and the second
 * (stats-schema.ts), two ids must share those too: the cost would be one click not counted.
 */
export function eventKey(id: string): bigint {
  // A UUID's md5 in JavaScript (md5-head.ts) is a quarter of node:crypto's one-shot hash's
  // time, which crosses into C++ and makes a Buffer per event.
  return md5Int64(id);
}
