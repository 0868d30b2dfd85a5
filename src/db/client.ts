import postgres from 'postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import * as schema from './schema.ts';

/** Drizzle over either driver: postgres.js in production, PGlite in the embedded default. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Sql = postgres.Sql;

export interface DbOptions {
  max?: number;
  /** Seconds; postgres.js waits 30 s by default, far too long for anything on a click's path. */
  connectTimeoutSeconds?: number;
}

function isLocal(url: URL): boolean {
  return ['localhost', '127.0.0.1', '::1', '[::1]', ''].includes(url.hostname) || url.hostname.startsWith('/');
}

/**
 * Heroku Postgres requires TLS but its certificates do not chain to a public CA, so
 * verification is off for remote hosts unless the URL says otherwise with `sslmode`.
 */
export function sslFor(databaseUrl: string): false | 'require' | { rejectUnauthorized: false } | undefined {
  const url = new URL(databaseUrl);
  if (url.searchParams.has('sslmode')) return undefined;
  return isLocal(url) ? false : { rejectUnauthorized: false };
}

export function createSql(databaseUrl: string, options: DbOptions = {}): Sql {
  return postgres(databaseUrl, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: 60,
    ssl: sslFor(databaseUrl),
    onnotice: () => {},
  });
}

export function createDb(sql: Sql): Database {
  return drizzle(sql, { schema });
}
