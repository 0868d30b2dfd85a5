import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.ts';

/**
 * A copy of the migrations folder whose journal stops at migration `last`: migrated with it, a
 * database is as it was before the next one, which a test can then fill and migrate further.
 */
export function migrationsUntil(last: number): { folder: string; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'clicktrack-migrations-'));
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journal = JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
