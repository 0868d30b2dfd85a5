import { hash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { boundedMemo } from '../shared/bounded-memo.ts';

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
  let s = '';
  for (const t of texts) s += `${Buffer.byteLength(t)}:${t}`;
  return idOf(s);
}

// The ids of combinations seen before: every batch of a busy link brings the same few again.
// (A combination's texts may hold up to about 1,100 characters: bounded by characters too.)
const idOf = boundedMemo((s) => hash('md5', s, 'buffer').readBigInt64BE(0), 100_000);

/** `dimSetKey` in SQL, of the columns (or expressions) holding the texts, in `TEXTS` order. */
export function dimSetKeySql(texts: readonly SQL[]): SQL {
  const parts = texts.flatMap((t) => [sql`octet_length(${t})`, sql`':'`, t]);
  return sql`('x' || substr(md5(concat(${sql.join(parts, sql`, `)})), 1, 16))::bit(64)::bigint`;
}
