import { eq, lt } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { adminSessions } from '../../db/schema.ts';

/**
 * Where admin sessions live on the server. A session exists only while its row does, so
 * signing out ends it everywhere, whatever a browser (or an attacker) kept of the cookie.
 */
export interface SessionStore {
  add(id: string, expiresAt: Date): Promise<void>;
  /** True while the session was neither ended nor expired. */
  has(id: string, now: Date): Promise<boolean>;
  remove(id: string): Promise<void>;
}

/** In the database, so every web process (and dyno) sees a sign-out at once. */
export function createDbSessionStore(db: Database): SessionStore {
  return {
    async add(id, expiresAt) {
      // Expired rows are only dead weight; a sign-in is rare enough to sweep them then.
      await db.delete(adminSessions).where(lt(adminSessions.expiresAt, new Date()));
      await db.insert(adminSessions).values({ id, expiresAt });
    },
    async has(id, now) {
      const [row] = await db.select({ expiresAt: adminSessions.expiresAt }).from(adminSessions).where(eq(adminSessions.id, id)).limit(1);
      return row !== undefined && row.expiresAt > now;
    },
    async remove(id) {
      await db.delete(adminSessions).where(eq(adminSessions.id, id));
    },
  };
}

/** For one process without a database (unit tests). */
export function createMemorySessionStore(): SessionStore {
  const sessions = new Map<string, Date>();
  return {
    add: async (id, expiresAt) => void sessions.set(id, expiresAt),
    has: async (id, now) => (sessions.get(id) ?? new Date(0)) > now,
    remove: async (id) => void sessions.delete(id),
  };
}
