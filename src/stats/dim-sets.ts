import { sql, type SQL } from 'drizzle-orm';
import { md5Int64 } from './md5-head.ts';

/**
 * The text dimensions of a click, in `stats_dim_sets`' column order. `stats_hourly` keeps one
 * number per row for all eight (a "junk dimension" in data-warehouse terms): the id of the
 * row of `stats_dim_sets` that holds the combination. A few thousand combinations serve
 * millions of hourly rows, and an hourly row shrank from about 270 bytes (heap and a key of
 * eight texts) to about 100: the fold upserts narrow integer keys, and a bigger share of the
 * table stays in Postgres's cache (README, Statistics benchmarks).
 */
export const TEXTS = ['platform', 'country', 'device', 'os', 'browser', 'referrer', 'campaign', 'network'] as const;
export type TextDimension = (typeof TEXTS)[number];

/**
 * A combination's id: the first 8 bytes of the md5 of its texts, each prefixed by its length
 * in UTF-8 bytes (so no two combinations make the same string), as a signed bigint. The same
 * as `dimSetKeySql` (and migration 0013) computes in SQL. Made from the texts, so every
 * consumer finds the same id without asking Postgres; two of a million combinations collide
 * with a probability of about 3 in 10^8, and would then share their counts.
 */
export function dimSetKey(texts: readonly string[]): bigint {
  if (texts.length !== TEXTS.length) return md5Key(texts);
  const ids = textIds(texts);
  const last = combos.get(ids[0])?.get(ids[1])?.get(ids[2]);
  if (last !== undefined) return last;
  if (comboCount >= MAX_COMBOS) {
    combos.clear();
    comboCount = 0;
  }
  const id = md5Key(texts);
  let second = combos.get(ids[0]);
  if (!second) combos.set(ids[0], (second = new Map()));
  let third = second.get(ids[1]);
  if (!third) second.set(ids[1], (third = new Map()));
  third.set(ids[2], id);
  comboCount++;
  return id;
}

function md5Key(texts: readonly string[]): bigint {
  let s = '';
  for (const t of texts) s += `${Buffer.byteLength(t)}:${t}`;
  return md5Int64(s);
}

// The ids of combinations seen before: every batch of a busy link brings the same few again.
// Remembered by numbers, not by the string the md5 is made of: each text gets a number when
// first seen (16 bits), and the eight numbers of a combination are three keys of nested Maps,
// looked up without building or hashing a string (about 1 µs an event less on the stats bench).
const MAX_TEXTS = 65_536;
const MAX_TEXT_CHARS = 4_000_000;
const MAX_COMBOS = 100_000;
const numbers = new Map<string, number>();
let textChars = 0;
const combos = new Map<number, Map<number, Map<number, bigint>>>();
let comboCount = 0;

function textIds(texts: readonly string[]): [number, number, number] {
  // Started over before a combination's texts could cross the bound: its numbers are of one era.
  if (numbers.size > MAX_TEXTS - texts.length || textChars > MAX_TEXT_CHARS) {
    numbers.clear();
    combos.clear();
    textChars = 0;
    comboCount = 0;
  }
  const n = (t: string) => {
    let id = numbers.get(t);
    if (id === undefined) {
      numbers.set(t, (id = numbers.size));
      textChars += t.length;
    }
    return id;
  };
  // TEXTS has eight: 3 + 3 + 2 numbers of 16 bits, each key below 2^48.
  const [a = '', b = '', c = '', d = '', e = '', f = '', g = '', h = ''] = texts;
  return [(n(a) * 65_536 + n(b)) * 65_536 + n(c), (n(d) * 65_536 + n(e)) * 65_536 + n(f), n(g) * 65_536 + n(h)];
}

/** `dimSetKey` in SQL, of the columns (or expressions) holding the texts, in `TEXTS` order. */
export function dimSetKeySql(texts: readonly SQL[]): SQL {
  const parts = texts.flatMap((t) => [sql`octet_length(${t})`, sql`':'`, t]);
  return sql`('x' || substr(md5(concat(${sql.join(parts, sql`, `)})), 1, 16))::bit(64)::bigint`;
}
