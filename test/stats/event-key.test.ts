import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { eventKey } from '../../src/stats/event-key.ts';
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
