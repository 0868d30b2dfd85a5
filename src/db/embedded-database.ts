import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { DatabaseHandle } from './database-handle.ts';
import { lockEmbedded, type EmbeddedOwner } from './embedded-lock.ts';
import { MIGRATIONS_FOLDER } from './migrate.ts';
import * as schema from './schema.ts';

/**
 * Postgres compiled to WebAssembly, in this process, kept in `dataDir`: the same schema
 * and migrations as production, for trying the service with nothing installed. Only one
 * process may have it open: throws EmbeddedInUseError when another one has. Only ever
 * imported dynamically: loading PGlite and its drizzle driver costs about 200 MB of
 * memory, which a production process (always given `DATABASE_URL`) must not pay.
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
