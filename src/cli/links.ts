// `npm run links -- list|get|create|update|delete ...`: manage campaign links from a shell,
// e.g. `heroku run npm run links -- list`. Web processes see each change within a second.
import { z } from 'zod';
import { databaseEnvShape, openDatabase, requireDatabaseInProduction } from '../db/database.ts';
import { createLinkStore } from '../links/link-store.ts';
import { ConfigError, optionalUrl, parseEnv } from '../shared/env.ts';
import { runLinksCommand } from './links-command.ts';
import { runStatsCommand } from './stats-command.ts';

function loadConfig() {
  try {
    return parseEnv(
      z.looseObject({ ...databaseEnvShape, PUBLIC_URL: optionalUrl }).superRefine(requireDatabaseInProduction),
      process.env,
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

const config = loadConfig();
// The embedded database belongs to one process at a time: stop `npm start` first.
const database = await openDatabase(config, { max: 1, connectTimeoutSeconds: 10 });
try {
  const io = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };
  const [command, ...rest] = process.argv.slice(2);
  process.exitCode =
    command === 'stats'
      ? await runStatsCommand(rest, { ...io, db: database.db, store: createLinkStore(database.db) })
      : await runLinksCommand(process.argv.slice(2), { store: createLinkStore(database.db), publicUrl: config.PUBLIC_URL, ...io });
} finally {
  await database.close();
}
