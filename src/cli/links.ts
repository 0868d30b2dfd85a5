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

const { z } = await import('zod');
const { ConfigError, optionalString, optionalUrl, parseEnv } = await import('../shared/env.ts');
const { databaseEnvShape, embeddedDatabaseDir, requireDatabaseInProduction } = await import('../db/database-settings.ts');
const { runLinksCommand } = await import('./links-command.ts');
const { openLinkStore, StoreUnavailableError } = await import('./open-link-store.ts');

function loadConfig() {
  try {
    return parseEnv(
      z.looseObject({ ...databaseEnvShape, PUBLIC_URL: optionalUrl, API_KEY: optionalString }).superRefine(requireDatabaseInProduction),
      process.env,
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

const config = loadConfig();
let opened: Awaited<ReturnType<typeof openLinkStore>>;
try {
  opened = await openLinkStore(config, embeddedDatabaseDir(config.DATA_DIR));
} catch (err) {
  if (!(err instanceof StoreUnavailableError)) throw err;
  console.error(`refused: ${err.message}`);
  process.exit(1);
}
try {
  process.exitCode = await runLinksCommand(argv, {
    store: opened.store,
    publicUrl: config.PUBLIC_URL,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
} catch (err) {
  // The server went away between two requests: say so rather than print a stack.
  if (!(err instanceof TypeError && /fetch failed/.test(err.message))) throw err;
  console.error(`refused: the server stopped answering (${err.cause ?? err.message})`);
  process.exitCode = 1;
} finally {
  await opened.close();
}
