// Kept apart from everything else, so `--help` answers without loading a database driver
// (link-fields.ts is a plain table).
import { cliFlag, LINK_FIELD_NAMES, LINK_FIELDS, type LinkFieldSpec } from '../links/link-fields.ts';
const VALUE = { text: 'TEXT', url: 'URL', minutes: 'MINUTES', boolean: 'true|false' } as const;

// One line per field of link-fields.ts, so a new field shows up here by itself.
const FIELD_LINES = LINK_FIELD_NAMES.map((name) => {
  const spec: LinkFieldSpec = LINK_FIELDS[name];
  return `  --${cliFlag(name)} ${VALUE[spec.kind]}`.padEnd(44) + spec.description;
}).join('\n');

export const USAGE = `Usage: npm run links -- <command> [options]

Commands:
  list [--slug S] [--campaign C] [--network N] [--q TEXT] [--limit N] [--cursor C] [--deleted]
                                --campaign, --network, --q: contains, ignoring case
  get <id|slug>
  create [--slug S] --ios URL --android URL --default URL [fields]
  update <id|slug> [fields]     an empty value clears a field or a target: --ios ''
  delete <id|slug>              soft delete: the link stops redirecting, its slug stays reserved
  restore <id|slug>             undoes a delete: the link redirects again (list --deleted finds it)
  stats <id|slug>               clicks or conversions over time: [--from --to --interval --group-by --timezone --bots --metric --event] (stats --help)
  write-keys list               the apps' keys for sending events (/v1/track, /v1/batch)
  write-keys create --name NAME --platform ios|android|web|server
                                prints the new key this once: only its hash is stored
  write-keys revoke <id>        events sent with that key are refused from then on

Fields:
  --ios --android --default URL             https://…, http://…, market://details?…, itms-apps://…
${FIELD_LINES}
  --starts-at ISO-TIME  --expires-at ISO-TIME  --expired-url URL  --max-clicks N
  --rules JSON|@FILE                        the ordered rules as the API takes them ('[]' or '' removes them)

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
