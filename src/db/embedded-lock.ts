import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * PGlite keeps the whole database in one process's memory and writes its files back on
 * its own schedule: two processes opening the same folder each work on a copy and lose
 * each other's writes. A lock file next to the folder says who has it open; a running
 * `npm start` also writes the address of its API there, so the CLI talks to it instead.
 */
export interface EmbeddedOwner {
  pid: number;
  /** `server`: `npm start`; `cli`: `npm run links` or `npm run db:migrate`. */
  role: 'server' | 'cli';
  /** Where the owning server answers its API, once it listens. */
  url?: string;
}

export class EmbeddedInUseError extends Error {
  override name = 'EmbeddedInUseError';
  readonly owner: EmbeddedOwner;
  constructor(databaseDir: string, owner: EmbeddedOwner) {
    const who = owner.role === 'server' ? '`npm start`' : 'another command';
    super(`the embedded database in ${databaseDir} is open in ${who} (pid ${owner.pid}); only one process may open it at a time`);
    this.owner = owner;
  }
}

export interface EmbeddedLock {
  /** Tells other processes where this server's API answers. */
  advertise(url: string): void;
  release(): void;
}

export const lockFileFor = (databaseDir: string) => `${databaseDir}.lock`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process that has the database open, or null (no lock, or its owner died). */
export function embeddedOwner(databaseDir: string): EmbeddedOwner | null {
  let owner: EmbeddedOwner;
  try {
    owner = JSON.parse(readFileSync(lockFileFor(databaseDir), 'utf8')) as EmbeddedOwner;
  } catch {
    return null;
  }
  return Number.isInteger(owner.pid) && owner.pid !== process.pid && isAlive(owner.pid) ? owner : null;
}

/** Takes the database for this process, or throws EmbeddedInUseError naming who has it. */
export function lockEmbedded(databaseDir: string, role: EmbeddedOwner['role']): EmbeddedLock {
  const file = lockFileFor(databaseDir);
  mkdirSync(dirname(file), { recursive: true });
  const write = (owner: EmbeddedOwner, flag: 'wx' | 'w') => writeFileSync(file, `${JSON.stringify(owner)}\n`, { flag, mode: 0o600 });
  for (let attempt = 0; ; attempt++) {
    try {
      write({ pid: process.pid, role }, 'wx');
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = embeddedOwner(databaseDir);
      if (owner) throw new EmbeddedInUseError(databaseDir, owner);
      if (attempt > 0) throw err;
      // Left behind by a process that died: take it over.
      unlinkSync(file);
    }
  }
  let held = true;
  return {
    advertise(url) {
      // Written aside and renamed, so a reader never sees half a file.
      writeFileSync(`${file}.tmp`, `${JSON.stringify({ pid: process.pid, role, url })}\n`, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    },
    release() {
      if (!held) return;
      held = false;
      try {
        unlinkSync(file);
      } catch {
        // Already gone.
      }
    },
  };
}
