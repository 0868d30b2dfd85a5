import type { SQL } from 'drizzle-orm';

/** What `execute` needs; a Database and a transaction both have it. */
export interface Executor {
  execute(query: SQL): Promise<unknown>;
}

/** postgres.js answers an array of rows, PGlite `{ rows }`: one shape for both drivers. */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The Postgres SQLSTATE of an error, also when drizzle wrapped the driver's error. */
export function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
