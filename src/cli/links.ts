// `npm run links -- list|get|create|update|delete ...`: manage campaign links from a shell,
// e.g. `heroku run npm run links -- list`. Web processes see each change within a second.
//
// Only the usage text is imported up front: `--help` answers at once, without loading a
// database driver or opening (on a fresh folder: creating) the embedded database.
import { asksForHelp, USAGE } from './usage.ts';

const argv = process.argv.slice(2);
if (asksForHelp(argv)) {
  console.log(USAGE);
  process.exit(argv.length === 0 ? 2 : 0);
}

const { loadOrExit } = await import('../config/env.ts');
const { loadCliConfig } = await import('../config/cli.ts');
const { embeddedDatabaseDir } = await import('../config/database.ts');
const { runLinksCommand } = await import('./links-command.ts');
const { openLinkStore, StoreUnavailableError } = await import('./open-link-store.ts');

// Exit 2, as for a wrong command line: the caller's input is what needs fixing.
const config = loadOrExit(() => loadCliConfig(process.env), 2);
let opened: Awaited<ReturnType<typeof openLinkStore>>;
try {
  opened = await openLinkStore(config, embeddedDatabaseDir(config.DATA_DIR));
} catch (err) {
  if (!(err instanceof StoreUnavailableError)) throw err;
  console.error(`refused: ${err.message}`);
  process.exit(1);
}
try {
  const io = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };
  if (argv[0] === 'stats') {
    const { runStatsCommand } = await import('./stats-command.ts');
    if (opened.db) process.exitCode = await runStatsCommand(argv.slice(1), { ...io, db: opened.db, store: opened.store });
    else {
      io.err('refused: `links stats` reads the database itself; while `npm start` has it, use GET /api/v1/stats');
      process.exitCode = 1;
    }
  } else if (argv[0] === 'write-keys') {
    const { runWriteKeysCommand } = await import('./write-keys-command.ts');
    const { writeKeyStoreFor } = await import('./open-write-key-store.ts');
    process.exitCode = await runWriteKeysCommand(argv.slice(1), { ...io, store: await writeKeyStoreFor(opened) });
  } else process.exitCode = await runLinksCommand(argv, { store: opened.store, publicUrl: config.PUBLIC_URL, ...io });
} catch (err) {
  // The server went away between two requests: say so rather than print a stack.
  if (!(err instanceof TypeError && /fetch failed/.test(err.message))) throw err;
  console.error(`refused: the server stopped answering (${err.cause ?? err.message})`);
  process.exitCode = 1;
} finally {
  await opened.close();
}
