import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { createDb, createSql, type Database } from './client.ts';
import { lockEmbedded, type EmbeddedOwner } from './embedded-lock.ts';
import { MIGRATIONS_FOLDER } from './migrate.ts';
import * as schema from './schema.ts';
import { embeddedDatabaseDir } from './database-settings.ts';

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
 * Postgres compiled to WebAssembly, in this process, kept in `dataDir`: the same schema
 * and migrations as production, for trying the service with nothing installed. Only one
 * process may have it open: throws EmbeddedInUseError when another one has.
 */
export async function openEmbedded(dataDir: string, role: EmbeddedOwner['role']): Promise<DatabaseHandle> {
  const lock = lockEmbedded(dataDir, role);
  let pg: PGlite;
  let db: ReturnType<typeof drizzle<typeof schema>>;
  try {
    mkdirSync(dataDir, { recursive: true });
    pg = await PGlite.create(dataDir);
    db = drizzle(pg, { schema });
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (err) {
    lock.release();
    throw err;
  }
  return {
    kind: 'embedded',
    db,
    notifications: {
      async listen(channel, onNotify, onListen) {
        const unlisten = await pg.listen(channel, onNotify);
        onListen();
        return { unlisten: () => unlisten() };
      },
    },
    ping: async () => void (await pg.query('select 1')),
    advertise: (url) => lock.advertise(url),
    close: async () => {
      try {
        await pg.close();
      } finally {
        lock.release();
      }
    },
  };
}

export { databaseEnvShape, embeddedDatabaseDir, requireDatabaseInProduction } from './database-settings.ts';

/** `DATABASE_URL` when set, else the embedded database `npm start` keeps in `DATA_DIR`. */
export async function openDatabase(
  settings: { DATABASE_URL?: string | undefined; DATA_DIR: string },
  options: { max?: number; connectTimeoutSeconds?: number; role?: EmbeddedOwner['role'] } = {},
): Promise<DatabaseHandle> {
  return settings.DATABASE_URL
    ? openPostgres(settings.DATABASE_URL, options)
    : openEmbedded(embeddedDatabaseDir(settings.DATA_DIR), options.role ?? 'server');
}
