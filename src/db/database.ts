import { createDb, createSql, type Database } from './client.ts';
import { embeddedDatabaseDir } from '../config/database.ts';
import type { EmbeddedOwner } from './embedded-lock.ts';

/** LISTEN as both drivers can do it; `onListen` runs on every (re)connection. */
export interface NotificationSource {
  listen(channel: string, onNotify: (payload: string) => void, onListen: () => void): Promise<{ unlisten(): Promise<void> }>;
}

/** What a process needs of its database, whichever driver is behind it. */
export interface DatabaseHandle {
  readonly kind: 'postgres' | 'embedded';
  readonly db: Database;
  readonly notifications: NotificationSource;
  ping(): Promise<void>;
  /** Embedded only: tells `npm run links` where this server's API answers. */
  advertise?(url: string): void;
  close(): Promise<void>;
}

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
