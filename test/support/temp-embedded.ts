import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../src/db/client.ts';
import { openEmbedded } from '../../src/db/database.ts';

/** The embedded database (PGlite, migrated) in a directory of its own, removed on close. */
export async function openTempEmbedded(prefix: string): Promise<{ db: Database; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const embedded = await openEmbedded(dir, 'server');
  return {
    db: embedded.db,
    close: async () => {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
