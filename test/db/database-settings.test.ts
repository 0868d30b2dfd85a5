import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../src/db/migrate.ts';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database.ts';

// Migration 0015 turns JIT off for the app's database: its compiling was most of the
// dashboard's time (migrations/0015_database_without_jit.sql).
describe('migration 0015: the database without JIT', () => {
  let database: OwnDatabase;
  beforeAll(async () => {
    database = await createOwnDatabase('jit');
    await migrateDatabase(database.url);
  });
  afterAll(() => database?.drop());

  it('holds for every session opened after it', async () => {
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ jit: string }[]>`show jit`;
      expect(row?.jit).toBe('off');
    } finally {
      await sql.end();
    }
  });

  it('where the role may not alter its database, warns and goes on', async () => {
    const role = `clicktrack_test_nojit_${process.pid}`;
    const text = readFileSync(join(MIGRATIONS_FOLDER, '0015_database_without_jit.sql'), 'utf8');
    const notices: string[] = [];
    const sql = postgres(database.url, { max: 1, onnotice: (n) => notices.push(String(n.message)) });
    try {
      await sql.unsafe(`drop role if exists ${role}`);
      await sql.unsafe(`create role ${role}`);
      // The role's own session, not the database's owner: ALTER DATABASE is refused.
      await sql.begin(async (tx) => {
        await tx.unsafe(`set local role ${role}`);
        await tx.unsafe(text);
      });
      expect(notices.join('\n')).toMatch(/could not turn JIT off/);
    } finally {
      await sql.unsafe(`drop role if exists ${role}`);
      await sql.end();
    }
  });
});
