import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { sql as sqlText } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { dimSetKey, dimSetKeySql, TEXTS } from '../../src/stats/dim-sets.ts';
import { eventKey } from '../../src/stats/event-key.ts';
import { createVisitorHasher } from '../../src/stats/stats-event.ts';
import { testSql } from '../support/fixtures.ts';

const sql = testSql();
afterAll(() => sql.end());

describe('eventKey', () => {
  it('is the key migration 0007 computed in SQL from the same id', async () => {
    const ids = [...Array.from({ length: 20 }, () => randomUUID()), 'imp-1', '日本'];
    const rows = await sql<{ id: string; key: string }[]>`select id, (('x' || substr(md5(id), 1, 16))::bit(64)::bigint)::text as key from unnest(${ids}::text[]) as id`;
    expect(rows.map((r) => r.key)).toEqual(ids.map((id) => String(eventKey(id))));
  });
});

describe('dimSetKey', () => {
  it('is the id migration 0013 and dimSetKeySql compute in SQL from the same texts', async () => {
    const sets = [
      ['ios', 'US', 'smartphone', 'iOS', 'Mobile Safari', '', 'c1', 'meta'],
      ['', '', '', '', '', '', '', ''],
      // Texts that would run into each other without their lengths, and multi-byte ones.
      ['a:b', 'c', '', '', '', '', '', ''],
      ['a', ':bc', '', '', '', '', '', ''],
      ['日本', 'ü', '😀', 'a"b', 'c\\d', 'e,f', '{g}', 'NULL'],
    ];
    const key = dimSetKeySql(TEXTS.map((_, i) => sqlText.raw(`t[${i + 1}]`)));
    const { sql: query, params } = new PgDialect().sqlToQuery(sqlText`select (${key})::text as key from (select string_to_array(x, chr(1)) as t from unnest($1::text[]) as x) s`);
    expect(params).toEqual([]);
    const rows = await sql.unsafe<{ key: string }[]>(query, [sets.map((s) => s.join("\u0001"))]);
    expect(rows.map((r) => r.key)).toEqual(sets.map((s) => String(dimSetKey(s))));
    expect(new Set(rows.map((r) => r.key)).size).toBe(sets.length);
  });
});

describe('createVisitorHasher', () => {
  it('answers what an HMAC of the identity answers, remembered or not, past its bound too', () => {
    const hmac = (identity: string) => createHmac('sha256', 'k').update(identity).digest().readBigInt64BE(0);
    const hashVisitor = createVisitorHasher('k', 2);
    // Past the bound of two, and past its characters (2 x 64) with a long user agent.
    const long = `a:1.2.3.4|${'Mozilla/5.0 '.repeat(20)}`;
    const identities = ['k:a', 'k:b', 'k:a', 'k:c', 'a:1.2.3.4|UA', 'k:a', long, 'k:b', long, 'k:b'];
    expect(identities.map(hashVisitor)).toEqual(identities.map(hmac));
    expect(createVisitorHasher('other')('k:a')).not.toBe(hmac('k:a'));
  });
});
