// Kept apart from everything else, so `--help` answers without loading a database driver.
export const USAGE = `Usage: npm run links -- <command> [options]

Commands:
  list [--slug S] [--campaign C] [--network N] [--q TEXT] [--limit N] [--cursor C] [--deleted]
                                --campaign, --network, --q: contains, ignoring case
  get <id|slug>
  create [--slug S] --ios URL --android URL --default URL [fields]
  update <id|slug> [fields]     an empty value clears a field or a target: --ios ''
  delete <id|slug>              soft delete: the link stops redirecting, its slug stays reserved
  restore <id|slug>             undoes a delete: the link redirects again (list --deleted finds it)

Fields:
  --campaign --adgroup --ad --network TEXT
  --ios --android --default URL             https://…, http://…, market://details?…, itms-apps://…
  --attribution-window-idfa MINUTES  --attribution-window-fingerprint MINUTES
  --store-params true|false  --forward-query true|false
  --app-store-campaign-token CT  --app-store-provider-token PT
  --campaign-url URL  --country TEXT  --device TEXT  --user-id TEXT

Options:
  --json    print the API's JSON instead of text
  --help    this text
  --        ends the options: \`get -- -slug\` for a slug that starts with "-"

Environment: DATABASE_URL (outside production, the embedded database when unset: while
\`npm start\` runs, the commands go through its API with the key in DATA_DIR/api-key or
API_KEY); PUBLIC_URL to print each link's tracking URL.`;

/** True when the arguments ask for the usage text (before any `--`), or there are none. */
export function asksForHelp(argv: string[]): boolean {
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  return argv.length === 0 || options.includes('--help') || options.includes('-h');
}
