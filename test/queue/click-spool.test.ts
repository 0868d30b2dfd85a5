import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.ts';
import { openEmbedded, type DatabaseHandle } from '../../src/db/database.ts';
import { createPostgresSpool } from '../../src/queue/click-spool.ts';
import { testSql, uniqueKey } from '../support/fixtures.ts';

// Lines as the click path writes them, and the characters an array parameter must survive.
const TRICKY = [
  '203.0.113.7 1764460800 clicks /t/click click_id=a&slug=x Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)',
  'quote " backslash \\ comma , braces {} NULL null',
  'unicode ü 中文 🙂',
  '',
];

const sql = testSql();
const embeddedDir = mkdtempSync(join(tmpdir(), 'clicktrack-spool-'));
let embedded: DatabaseHandle | undefined;
// Opening PGlite compiles Postgres to WebAssembly: tens of seconds on a busy machine, so
// it happens in a hook with the hook's long timeout, not inside a test's 30 s.
beforeAll(async () => {
  embedded = await openEmbedded(embeddedDir, 'server');
});
afterAll(async () => {
  await sql.end();
  await embedded?.close();
  rmSync(embeddedDir, { recursive: true, force: true });
});

describe.each([
  ['Postgres', async () => createDb(sql)],
  ['the embedded database', async () => embedded!.db],
])('click spool on %s', (_name, open) => {
  it('keeps lines exactly, gives them back oldest first, and only to their own list', async () => {
    const db = await open();
    const key = uniqueKey('spool');
    const spool = createPostgresSpool(db, key);
    const other = createPostgresSpool(db, `${key}:other`);
    await spool.write(TRICKY);
    await other.write(['not mine']);
    await spool.write(['later']);
    expect(await spool.size()).toBe(TRICKY.length + 1);

    const pushed: string[][] = [];
    expect(await spool.restore(async (lines) => void pushed.push(lines), 3)).toBe(3);
    expect(await spool.restore(async (lines) => void pushed.push(lines), 10)).toBe(2);
    expect(pushed.flat()).toEqual([...TRICKY, 'later']);
    expect(await spool.size()).toBe(0);
    expect(await other.size()).toBe(1);
  });

  it('keeps the lines when the push fails', async () => {
    const db = await open();
    const spool = createPostgresSpool(db, uniqueKey('spool'));
    await spool.write(['a', 'b']);
    await expect(spool.restore(() => Promise.reject(new Error('redis down')), 10)).rejects.toThrow('redis down');
    expect(await spool.size()).toBe(2);
  });
});
