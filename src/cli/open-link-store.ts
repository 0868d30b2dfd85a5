import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedOwner, EmbeddedInUseError } from '../db/embedded-lock.ts';
import type { Database } from '../db/client.ts';
import type { LinkStore } from '../links/link-store.ts';
import { createApiLinkStore } from './api-link-store.ts';

export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

export interface OpenedStore {
  store: LinkStore;
  /** How the CLI reaches the links, for messages and tests. */
  via: 'postgres' | 'server' | 'embedded';
  /** The database, when this process opened it itself (not through a server's API). */
  db?: Database;
  /** The running server's admin API, when the CLI goes through it. */
  api?: { url: string; apiKey: string };
  close(): Promise<void>;
}

interface Settings {
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
  API_KEY?: string | undefined;
}

function apiKeyFor(settings: Settings): string {
  if (settings.API_KEY) return settings.API_KEY;
  const file = join(settings.DATA_DIR, 'api-key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new StoreUnavailableError(`\`npm start\` is running, but ${file} cannot be read; set API_KEY to the key it uses`);
  }
}

/**
 * Postgres when `DATABASE_URL` is set. Otherwise the embedded database, which only one
 * process may open: while `npm start` has it, the CLI goes through the server's API;
 * when nobody has it, the CLI opens it itself (and holds the lock until it is done).
 */
export async function openLinkStore(settings: Settings, databaseDir: string): Promise<OpenedStore> {
  // The database driver and drizzle load only when this process opens a database itself.
  const direct = async () => ({ ...(await import('../db/database.ts')), ...(await import('../links/link-store.ts')) });
  if (settings.DATABASE_URL) {
    const { openDatabase, createLinkStore } = await direct();
    const database = await openDatabase(settings, { max: 1, connectTimeoutSeconds: 10 });
    return { store: createLinkStore(database.db), db: database.db, via: 'postgres', close: () => database.close() };
  }
  const owner = embeddedOwner(databaseDir);
  if (owner?.role === 'server' && owner.url) {
    const apiKey = apiKeyFor(settings);
    return { store: createApiLinkStore(owner.url, apiKey), api: { url: owner.url, apiKey }, via: 'server', close: async () => {} };
  }
  const { openDatabase, createLinkStore } = await direct();
  try {
    const database = await openDatabase(settings, { role: 'cli' });
    return { store: createLinkStore(database.db), db: database.db, via: 'embedded', close: () => database.close() };
  } catch (err) {
    if (!(err instanceof EmbeddedInUseError)) throw err;
    const hint = err.owner.role === 'server' ? 'it is still starting: try again in a moment' : 'try again when it has finished';
    throw new StoreUnavailableError(`${err.message}; ${hint}`);
  }
}
