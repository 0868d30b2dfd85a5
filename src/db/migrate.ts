import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { drizzle } from 'drizzle-orm/postgres-js';
import { createSql } from './client.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

// Arbitrary but fixed: two release phases (or a release and a test) must not migrate at once.
const MIGRATION_LOCK_ID = 724_011_301;

/** Applies `migrations/`; idempotent and safe to run concurrently. */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  // One connection, so the advisory lock and the migration share a session.
  const sql = createSql(databaseUrl, { max: 1, connectTimeoutSeconds: 10 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
