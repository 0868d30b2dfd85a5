// zod itself, extended with `.openapi()`: the extension only reaches schemas built after
// it, so these shared schemas are built with it for the API's OpenAPI document.
import { z } from '@hono/zod-openapi';
import { CAMPAIGN_URL_MAX, LINK_FIELD_NAMES, LINK_FIELDS, TEXT_MAX, type FieldValue, type LinkFieldName, type LinkFieldSpec } from './link-fields.ts';
import type { LinkRecord } from './link.ts';
import { storeKind } from './store-url.ts';

export { CAMPAIGN_URL_MAX, TEXT_MAX };
import { SLUG_PATTERN } from './link.ts';
import { ruleInputFields, ruleJson, ruleJsonSchema } from './rules/link-rule-fields.ts';

/**
 * What a campaign link may hold, as zod schemas shared by the API, the admin UI and the
 * CLI, so all three accept and refuse exactly the same input with the same messages.
 * Field names are the API's (snake_case); the store maps them to columns.
 */

export const TARGET_URL_MAX = 2048;
/** A year: a larger window is almost always seconds typed where minutes were meant. */
export const WINDOW_MAX_MINUTES = 525_600;
export const TARGET_PLATFORMS = ['ios', 'android', 'default'] as const;
export type TargetPlatform = (typeof TARGET_PLATFORMS)[number];

// Store schemes let a link open the App Store or Play Store app directly; anything else
// (javascript:, data:, file:) could run or read something in the visitor's browser.
const TARGET_SCHEMES = new Set(['https:', 'http:', 'itms-apps:', 'market:']);
const SCHEME_MESSAGE = 'must be an https:, http:, itms-apps: or market: URL written in full (https://host/…, market://details?…, itms-apps://…)';

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

const requiredOr = (message: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message),
});

/**
 * What the text must look like for each scheme, checked before the URL parser sees it:
 * WHATWG parsing repairs `https:evil.com` and `https:\\evil.com` into `https://evil.com/`,
 * so a target is only accepted when it already is what it parses to, a link a marketer
 * can read and check. `market:` only opens the Play Store's details page.
 */
const TARGET_SHAPES: Record<string, RegExp> = {
  'https:': /^https:\/\/[^/\\?#@]+(?:[/?#]|$)/i,
  'http:': /^http:\/\/[^/\\?#@]+(?:[/?#]|$)/i,
  'itms-apps:': /^itms-apps:\/\/[^/\\?#@]+(?:[/?#]|$)/i,
  'market:': /^market:\/\/details\?/i,
};

/** True when `value` is an allowed target whose text says what it parses to. */
export function isPlainTargetUrl(value: string): boolean {
  const url = parseUrl(value);
  if (!url || !TARGET_SCHEMES.has(url.protocol)) return false;
  if (!TARGET_SHAPES[url.protocol]!.test(value) || value.includes('\\')) return false;
  // Credentials before the host (`https://apps.apple.com@evil.com`) make a URL read as
  // another host; a store URL or landing page never needs them.
  if (url.username || url.password) return false;
  return url.protocol === 'market:' || url.hostname !== '';
}

const targetUrl = z
  .string(requiredOr('must be a string'))
  .trim()
  .max(TARGET_URL_MAX, `must be at most ${TARGET_URL_MAX} characters`)
  // The URL parser drops tabs and line breaks silently, but the stored text becomes a
  // Location header, where a line break is refused (and once was header injection).
  .refine((value) => !/[\s\x00-\x1f\x7f]/.test(value), 'must not contain spaces or control characters (write a space as %20)')
  .refine(isPlainTargetUrl, SCHEME_MESSAGE)
  .meta({ description: `An https:// or http:// URL with a host, a market://details?… or an itms-apps:// URL, of at most ${TARGET_URL_MAX} characters` });

// Postgres text cannot hold NUL: without this check it reaches the database and fails there.
const NUL_MESSAGE = 'must not contain NUL characters';
const noNul = (value: string) => !value.includes('\0');

const minutes = (description: string, example: number) =>
  z
    .number('must be a whole number of minutes')
    .int('must be a whole number of minutes')
    .min(0, 'must not be negative')
    .max(WINDOW_MAX_MINUTES, `must be at most ${WINDOW_MAX_MINUTES} minutes (365 days)`)
    .meta({ description, example });

const token = (max: number, description: string) =>
  z.string('must be a string or null').max(max, `must be at most ${max} characters`).refine(noNul, NUL_MESSAGE).nullable().meta({ description });

export const slugSchema = z
  .string('must be a string')
  .trim()
  .regex(SLUG_PATTERN, 'must be 1 to 64 letters, digits, "-" or "_"')
  .meta({ description: 'The path segment of the tracking URL `/t/click/{slug}`', example: 'spring-sale' });

export const targetsSchema = z
  .strictObject(
    { ios: targetUrl.optional(), android: targetUrl.optional(), default: targetUrl.optional() },
    requiredOr('must be an object with ios, android and/or default URLs'),
  )
  .refine((t) => TARGET_PLATFORMS.some((p) => t[p] !== undefined), 'needs at least one of ios, android, default')
  .meta({
    description: 'Where each platform is sent, at least one of them; `default` is for every other visitor',
    example: { ios: 'https://apps.apple.com/app/id284882215', android: 'market://details?id=com.example.app', default: 'https://example.com/' },
  });

const campaignUrl = (max: number, description: string) =>
  z
    .string('must be a string or null')
    .max(max, `must be at most ${max} characters`)
    .refine(noNul, NUL_MESSAGE)
    .refine((v) => ['https:', 'http:'].includes(parseUrl(v)?.protocol ?? ''), 'must be an https: or http: URL')
    .nullable()
    .meta({ description });

/** The input schema of one plain field, from its declaration in link-fields.ts. */
function inputSchema(spec: LinkFieldSpec): z.ZodType {
  switch (spec.kind) {
    case 'text':
      return token(spec.max ?? TEXT_MAX, spec.description);
    case 'url':
      return campaignUrl(spec.max ?? CAMPAIGN_URL_MAX, spec.description);
    case 'minutes':
      return minutes(spec.description, (spec.default as number | undefined) ?? 0);
    case 'boolean':
      return z.boolean('must be true or false').meta({ description: spec.description });
  }
}

type InputShape = { [N in LinkFieldName]: z.ZodOptional<z.ZodType<FieldValue<(typeof LINK_FIELDS)[N]['kind']>>> };

/** Everything about a link except its slug and targets; shared by create and update. */
const linkFields = {
  ...(Object.fromEntries(LINK_FIELD_NAMES.map((name) => [name, inputSchema(LINK_FIELDS[name]).optional()])) as InputShape),
  // The rules feature declares its own fields (links/rules/link-rule-fields.ts).
  ...ruleInputFields,
};

const BODY_MESSAGE = 'must be a JSON object';

export const createLinkSchema = z.strictObject(
  {
    slug: slugSchema.optional().meta({ description: 'Chosen slug; when absent a random 8-character one is generated' }),
    targets: targetsSchema,
    ...linkFields,
  },
  BODY_MESSAGE,
);

/** In a PATCH, `targets` is merged key by key: a URL replaces that target, null removes it. */
export const targetsPatchSchema = z
  .strictObject(
    { ios: targetUrl.nullable().optional(), android: targetUrl.nullable().optional(), default: targetUrl.nullable().optional() },
    'must be an object with ios, android and/or default URLs (or null to remove one)',
  )
  .meta({ description: 'Merged into the current targets: a URL sets that platform, null removes it' });

export const updateLinkSchema = z.strictObject({ targets: targetsPatchSchema.optional(), ...linkFields }, BODY_MESSAGE);

export type CreateLinkInput = z.infer<typeof createLinkSchema>;
export type UpdateLinkInput = z.infer<typeof updateLinkSchema>;

export const LIST_LIMIT_MAX = 100;

// A pasted `?campaign=&network=` means "no filter", as an empty search box does.
const emptyAsAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema);
const filterText = (max: number, description: string) =>
  emptyAsAbsent(z.string().max(max, `must be at most ${max} characters`).refine(noNul, NUL_MESSAGE).optional()).meta({ description });

export const listQuerySchema = z.object({
  limit: emptyAsAbsent(
    z.coerce
      .number('must be a whole number')
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(LIST_LIMIT_MAX, `must be at most ${LIST_LIMIT_MAX}`)
      .default(50),
  ).meta({ description: 'Links per page (default 50)' }),
  cursor: emptyAsAbsent(z.string().regex(/^\d{1,18}$/, 'must be a next_cursor from an earlier page').optional()).meta({
    description: '`next_cursor` of the previous page',
  }),
  slug: filterText(64, 'Only the link with exactly this slug (unambiguous where a slug is all digits)'),
  campaign: filterText(TEXT_MAX, 'Only links whose campaign contains this text, ignoring case ("spring" finds "Spring sale 2026")'),
  network: filterText(TEXT_MAX, 'Only links whose network contains this text, ignoring case'),
  q: filterText(64, 'Only links whose slug contains this text, ignoring case'),
  deleted: emptyAsAbsent(z.enum(['true', 'false'], 'must be true or false').optional()).meta({
    description: '`true`: the deleted links instead, which `POST /links/{id}/restore` brings back',
  }),
});

export type ListQuery = z.infer<typeof listQuerySchema>;

export interface FieldProblem {
  /** Dotted path of the field, e.g. `targets.ios`; the unknown key itself for unknown fields. */
  field: string;
  message: string;
}

/** One problem per field, in terms a person can act on: "targets.ios: must be an https: ... URL". */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = [...issue.path, key].join('.');
        problems.push({ field, message: unknownFieldMessage(field) });
      }
      continue;
    }
    const field = issue.path.join('.') || 'body';
    // The first problem of a field is the one worth fixing first; later ones often follow from it.
    if (!problems.some((p) => p.field === field)) problems.push({ field, message: issue.message });
  }
  return problems;
}

function unknownFieldMessage(field: string): string {
  if (field === 'slug') return 'cannot be changed: tracking URLs already shared use it; create a new link instead';
  if (field === 'target_url') return 'is not a field here: use targets {ios, android, default}';
  return 'is not a known field';
}

export function describeProblems(problems: FieldProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}

export interface TargetWarning {
  field: string;
  message: string;
}

/**
 * A store URL in the other platform's slot is legal (a marketer may mean it) but almost
 * always a paste into the wrong box, so it is saved and pointed out.
 */
export function targetWarnings(targets: Partial<Record<TargetPlatform, string | null | undefined>>): TargetWarning[] {
  const warnings: TargetWarning[] = [];
  const ios = targets.ios ? storeKind(targets.ios) : null;
  const android = targets.android ? storeKind(targets.android) : null;
  if (ios === 'play') warnings.push({ field: 'targets.ios', message: 'is a Play Store URL, but iPhones are sent here' });
  if (android === 'app_store') warnings.push({ field: 'targets.android', message: 'is an App Store URL, but Android phones are sent here' });
  return warnings;
}

const nullableText = (description: string) => z.string().nullable().meta({ description });

/** The answer schema of one plain field. */
function outputSchema(spec: LinkFieldSpec): z.ZodType {
  if (spec.kind === 'minutes') return z.number().int().meta({ description: `${spec.description} (minutes)` });
  if (spec.kind === 'boolean') return z.boolean().meta({ description: spec.description });
  return nullableText(spec.description);
}

type OutputShape = { [N in LinkFieldName]: z.ZodType<FieldValue<(typeof LINK_FIELDS)[N]['kind']>> };
const outputShape = Object.fromEntries(LINK_FIELD_NAMES.map((name) => [name, outputSchema(LINK_FIELDS[name])])) as OutputShape;

/** A link as the API answers it (the README's "Admin API"), plus the settings of the attribution features. */
export const linkSchema = z
  .object({
    id: z.number().int().meta({ example: 42 }),
    slug: z.string().meta({ example: 'spring-sale' }),
    targets: z.object({ ios: z.string().optional(), android: z.string().optional(), default: z.string().optional() }),
    ...outputShape,
    ...ruleJsonSchema,
    created_at: z.string().meta({ format: 'date-time' }),
    updated_at: z.string().meta({ format: 'date-time' }),
  })
  .meta({ description: 'A campaign link' });

export type LinkJson = z.infer<typeof linkSchema>;

export function toLinkJson(link: LinkRecord): LinkJson {
  const fields = Object.fromEntries(LINK_FIELD_NAMES.map((name) => [name, link[LINK_FIELDS[name].column]]));
  return {
    id: link.id,
    slug: link.slug,
    targets: link.targets,
    ...(fields as Pick<LinkJson, LinkFieldName>),
    ...ruleJson(link),
    created_at: link.createdAt.toISOString(),
    updated_at: link.updatedAt.toISOString(),
  };
}
