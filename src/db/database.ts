import { createDb, createSql } from './client.ts';
import type { DatabaseHandle } from './database-handle.ts';
import { embeddedDatabaseDir } from '../config/database.ts';
import type { EmbeddedOwner } from './embedded-lock.ts';

export type { DatabaseHandle, NotificationSource } from './database-handle.ts';

export function openPostgres(databaseUrl: string, options: { max?: number; connectTimeoutSeconds?: number } = {}): DatabaseHandle {
  const sql = createSql(databaseUrl, options);
  return {
    kind: 'postgres',
    db: createDb(sql),
    // postgres.js re-listens by itself after a lost connection and calls onListen again.
    notifications: { listen: (channel, onNotify, onListen) => sql.listen(channel, onNotify, onListen) },
    ping: async () => void (await sql`select 1`),
    close: () => sql.end({ timeout: 5 }),
  };
}

/**
 * The embedded database, loaded only when asked for: its module pulls in PGlite, which
 * no process with `DATABASE_URL` should carry in memory.
 */
export async function openEmbedded(dataDir: string, role: EmbeddedOwner['role']): Promise<DatabaseHandle> {
  const embedded = await import('./embedded-database.ts');
  return embedded.openEmbedded(dataDir, role);
}

export { databaseEnvShape, embeddedDatabaseDir, requireDatabaseInProduction } from '../config/database.ts';

/** `DATABASE_URL` when set, else the embedded database `npm start` keeps in `DATA_DIR`. */
export async function openDatabase(
  settings: { DATABASE_URL?: string | undefined; DATA_DIR: string },
  options: { max?: number; connectTimeoutSeconds?: number; role?: EmbeddedOwner['role'] } = {},
): Promise<DatabaseHandle> {
  return settings.DATABASE_URL
    ? openPostgres(settings.DATABASE_URL, options)
    : openEmbedded(embeddedDatabaseDir(settings.DATA_DIR), options.role ?? 'server');
}
