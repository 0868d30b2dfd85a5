import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { writeKeys, type WriteKeyRow } from '../db/schema.ts';
import { AppError } from '../shared/app-error.ts';
import { generateWriteKey, hashWriteKey, shownPrefix, type CreatedWriteKey, type WriteKeyApp, type WriteKeyRecord } from './write-key.ts';
import type { CreateWriteKeyInput } from './write-key-schemas.ts';

/** Create, list and revoke write keys; the event path finds a live key by its hash. */
export interface WriteKeyStore {
  create(input: CreateWriteKeyInput): Promise<CreatedWriteKey>;
  /** Every key, newest first, revoked ones included. */
  list(): Promise<WriteKeyRecord[]>;
  /** Revoking a revoked key answers it unchanged; an unknown id is a 404. */
  revoke(id: number): Promise<WriteKeyRecord>;
}

export interface WriteKeyLookup {
  /** The app of a live key with this hash, or null (unknown or revoked). */
  findLive(keyHash: string): Promise<WriteKeyApp | null>;
}

function toRecord(row: WriteKeyRow): WriteKeyRecord {
  return { id: row.id, name: row.name, platform: row.platform, keyPrefix: row.keyPrefix, createdAt: row.createdAt, revokedAt: row.revokedAt };
}

export function createWriteKeyStore(db: Database): WriteKeyStore & WriteKeyLookup {
  return {
    async create(input) {
      const key = generateWriteKey();
      const [row] = await db
        .insert(writeKeys)
        .values({ name: input.name, platform: input.platform, keyHash: hashWriteKey(key), keyPrefix: shownPrefix(key) })
        .returning();
      return { record: toRecord(row as WriteKeyRow), key };
    },
    async list() {
      const rows = await db.select().from(writeKeys).orderBy(desc(writeKeys.id));
      return rows.map(toRecord);
    },
    async revoke(id) {
      const [revoked] = await db
        .update(writeKeys)
        .set({ revokedAt: new Date() })
        .where(and(eq(writeKeys.id, id), isNull(writeKeys.revokedAt)))
        .returning();
      if (revoked) return toRecord(revoked);
      const [existing] = await db.select().from(writeKeys).where(eq(writeKeys.id, id));
      if (!existing) throw new AppError('not_found', `no write key with id ${id}`);
      return toRecord(existing);
    },
    async findLive(keyHash) {
      const [row] = await db
        .select({ id: writeKeys.id, name: writeKeys.name, platform: writeKeys.platform })
        .from(writeKeys)
        .where(and(eq(writeKeys.keyHash, keyHash), isNull(writeKeys.revokedAt)));
      return row ?? null;
    },
  };
}
