import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  createLinkSchema,
  describeProblems,
  fieldProblems,
  listQuerySchema,
  targetWarnings,
  toLinkJson,
  updateLinkSchema,
  type LinkJson,
} from '../links/link-schemas.ts';
import { cliFlag, fieldsOfKind } from '../links/link-fields.ts';
import { LinkStoreError } from '../links/link-store-error.ts';
import type { LinkRecord, LinkStore } from '../links/link-store.ts';
import { USAGE } from './usage.ts';

export { USAGE };

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CommandDeps extends CommandIo {
  store: LinkStore;
  publicUrl?: string | undefined;
}

/** Exit codes: 0 done, 1 refused (invalid, not found, conflict), 2 wrong usage. */
export type ExitCode = 0 | 1 | 2;

const TEXT_FIELDS = fieldsOfKind('text', 'url').map(cliFlag);
const NUMBER_FIELDS = [...fieldsOfKind('minutes').map(cliFlag), 'max-clicks'];
// The schedule and rules (src/links/rules/); `rules` is JSON, inline or from a file.
const RULE_TEXT_FIELDS = ['starts-at', 'expires-at', 'expired-url'];
const JSON_FIELDS = ['rules'];
const BOOLEAN_FIELDS = fieldsOfKind('boolean').map(cliFlag);
const PLATFORMS = ['ios', 'android', 'default'] as const;
const FIELD_FLAGS = [...TEXT_FIELDS, ...RULE_TEXT_FIELDS, ...NUMBER_FIELDS, ...BOOLEAN_FIELDS, ...JSON_FIELDS, ...PLATFORMS];
const LIST_FLAGS = ['slug', 'campaign', 'network', 'q', 'limit', 'cursor'];

const stringOption = { type: 'string' } as const;
const OPTIONS = {
  ...Object.fromEntries([...FIELD_FLAGS, 'slug', 'q', 'limit', 'cursor'].map((name) => [name, stringOption])),
  json: { type: 'boolean' },
  deleted: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

const apiName = (flag: string) => flag.replaceAll('-', '_');

// Values go to the schemas as typed unless they clearly are a number or a boolean, so a
// wrong one gets the same message the API gives ("must be true or false").
const asNumber = (v: string) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
const asBoolean = (v: string) => (v === 'true' ? true : v === 'false' ? false : v);

/** JSON typed inline or read from `@file`; a parse error is refused naming the field. */
function asJson(flag: string, value: string): unknown {
  const text = value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new LinkStoreError('invalid', `${apiName(flag)}: is not valid JSON (${(err as Error).message})`, apiName(flag));
  }
}

/** The flags given, as an API-shaped body; an empty value means "none" (null on update). */
function bodyFrom(values: Record<string, string | boolean | undefined>, mode: 'create' | 'update'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const targets: Record<string, string | null> = {};
  const empty = mode === 'update' ? null : undefined;
  for (const flag of FIELD_FLAGS) {
    const value = values[flag];
    if (typeof value !== 'string') continue;
    const converted =
      value === '' ? empty : NUMBER_FIELDS.includes(flag) ? asNumber(value) : BOOLEAN_FIELDS.includes(flag) ? asBoolean(value) : JSON_FIELDS.includes(flag) ? asJson(flag, value) : value;
    if (converted === undefined) continue;
    if ((PLATFORMS as readonly string[]).includes(flag)) targets[flag] = converted as string | null;
    else body[apiName(flag)] = converted;
  }
  if (Object.keys(targets).length > 0) body.targets = targets;
  if (mode === 'create' && typeof values.slug === 'string' && values.slug !== '') body.slug = values.slug;
  return body;
}

function linkText(json: LinkJson, trackingUrl: string | undefined): string[] {
  const rows: Array<[string, string]> = [['id', String(json.id)], ['slug', json.slug]];
  if (trackingUrl) rows.push(['tracking_url', trackingUrl]);
  for (const platform of PLATFORMS) if (json.targets[platform]) rows.push([`targets.${platform}`, json.targets[platform]!]);
  for (const [key, value] of Object.entries(json)) {
    if (['id', 'slug', 'targets'].includes(key) || value === null || (Array.isArray(value) && value.length === 0)) continue;
    rows.push([key, typeof value === 'object' ? JSON.stringify(value) : String(value)]);
  }
  const width = Math.max(...rows.map(([key]) => key.length));
  return rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`);
}

function table(links: LinkRecord[]): string[] {
  const rows = [['ID', 'SLUG', 'CAMPAIGN', 'NETWORK', 'CREATED'], ...links.map((l) => [String(l.id), l.slug, l.campaign ?? '-', l.network ?? '-', l.createdAt.toISOString().slice(0, 16).replace('T', ' ')])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

/** Runs one `npm run links -- ...` command against the store; never exits the process itself. */
export async function runLinksCommand(argv: string[], deps: CommandDeps): Promise<ExitCode> {
  const { store } = deps;
  const tracking = (slug: string) => (deps.publicUrl ? `${new URL(deps.publicUrl).origin}/t/click/${encodeURIComponent(slug)}` : undefined);
  const printLink = (link: LinkRecord, json: boolean, withWarnings: boolean) => {
    const body = toLinkJson(link);
    const warnings = withWarnings ? targetWarnings(link.targets) : [];
    if (json) deps.out(JSON.stringify(withWarnings ? { ...body, warnings } : body, null, 2));
    else {
      for (const line of linkText(body, tracking(link.slug))) deps.out(line);
      for (const w of warnings) deps.err(`warning: ${w.field} ${w.message}`);
    }
  };

  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [command, ref, ...extra] = positionals;
    if (values.help || !command) {
      deps.out(USAGE);
      return command || values.help ? 0 : 2;
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
    const needsRef = ['get', 'update', 'delete', 'restore'].includes(command);
    if (needsRef && !ref) throw new UsageError(`${command} needs an id or slug`);
    if (!needsRef && ref) throw new UsageError(`unexpected argument: ${ref}`);
    const allowed = command === 'list' ? [...LIST_FLAGS, 'deleted'] : command === 'create' ? [...FIELD_FLAGS, 'slug'] : command === 'update' ? FIELD_FLAGS : [];
    const stray = Object.keys(values).find((key) => !['json', 'help'].includes(key) && !allowed.includes(key));
    if (stray) throw new UsageError(`--${stray} does not apply to ${command}`);
    const json = values.json === true;
    const strings = values as Record<string, string | boolean | undefined>;

    switch (command) {
      case 'list': {
        const query = Object.fromEntries(LIST_FLAGS.filter((f) => strings[f] !== undefined).map((f) => [f, strings[f]]));
        const parsed = listQuerySchema.safeParse(values.deleted ? { ...query, deleted: 'true' } : query);
        if (!parsed.success) return refuse(deps, describeProblems(fieldProblems(parsed.error)));
        const page = await store.list(parsed.data);
        if (json) {
          deps.out(JSON.stringify({ data: page.links.map(toLinkJson), next_cursor: page.nextCursor, total: page.total }, null, 2));
          return 0;
        }
        for (const line of table(page.links)) deps.out(line);
        const kind = values.deleted ? 'deleted link(s); bring one back with: restore <id|slug>' : 'link(s)';
        deps.out(`${page.links.length} of ${page.total} ${kind}${page.nextCursor ? `; next page: --cursor ${page.nextCursor}` : ''}`);
        return 0;
      }
      case 'get': {
        const link = await store.find(ref!);
        if (!link) return refuse(deps, `no link with id or slug ${JSON.stringify(ref)}`);
        printLink(link, json, false);
        return 0;
      }
      case 'create': {
        const parsed = createLinkSchema.safeParse(bodyFrom(strings, 'create'));
        if (!parsed.success) return refuse(deps, describeProblems(fieldProblems(parsed.error)));
        printLink(await store.create(parsed.data), json, true);
        return 0;
      }
      case 'update': {
        const parsed = updateLinkSchema.safeParse(bodyFrom(strings, 'update'));
        if (!parsed.success) return refuse(deps, describeProblems(fieldProblems(parsed.error)));
        printLink(await store.update(ref!, parsed.data), json, true);
        return 0;
      }
      case 'delete': {
        const link = await store.remove(ref!);
        deps.out(json ? JSON.stringify({ deleted: toLinkJson(link) }, null, 2) : `deleted ${link.slug} (id ${link.id}); the slug stays reserved`);
        return 0;
      }
      case 'restore': {
        const link = await store.restore(ref!);
        deps.out(json ? JSON.stringify({ restored: toLinkJson(link) }, null, 2) : `restored ${link.slug} (id ${link.id}); it redirects again`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (err) {
    if (err instanceof LinkStoreError) return refuse(deps, err.message);
    // parseArgs reports unknown flags and missing values as TypeErrors with a code.
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      deps.err(`${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

function refuse(io: CommandIo, message: string): 1 {
  io.err(`refused: ${message}`);
  return 1;
}
