// zod itself, extended with `.openapi()`: the extension only reaches schemas built after
// it, so these shared schemas are built with it for the API's OpenAPI document.
import { z } from '@hono/zod-openapi';
import type { LinkRecord } from './link-store.ts';
import { ruleInputFields, ruleJson, ruleJsonSchema } from './rules/link-rule-fields.ts';

/**
 * What a campaign link may hold, as zod schemas shared by the API, the admin UI and the
 * CLI, so all three accept and refuse exactly the same input with the same messages.
 * Field names are the API's (snake_case); the store maps them to columns.
 */

export const SLUG_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const TEXT_MAX = 256;
export const TARGET_URL_MAX = 2048;
export const CAMPAIGN_URL_MAX = 1024;
/** A year: a larger window is almost always seconds typed where minutes were meant. */
export const WINDOW_MAX_MINUTES = 525_600;
export const TARGET_PLATFORMS = ['ios', 'android', 'default'] as const;
export type TargetPlatform = (typeof TARGET_PLATFORMS)[number];

// Store schemes let a link open the App Store or Play Store app directly; anything else
// (javascript:, data:, file:) could run or read something in the visitor's browser.
const TARGET_SCHEMES = new Set(['https:', 'http:', 'itms-apps:', 'market:']);
const SCHEME_MESSAGE = 'must be an https:, http:, itms-apps: or market: URL';

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

const targetUrl = z
  .string(requiredOr('must be a string'))
  .trim()
  .max(TARGET_URL_MAX, `must be at most ${TARGET_URL_MAX} characters`)
  // The URL parser drops tabs and line breaks silently, but the stored text becomes a
  // Location header, where a line break is refused (and once was header injection).
  .refine((value) => !/[\s\x00-\x1f\x7f]/.test(value), 'must not contain spaces or control characters (write a space as %20)')
  .refine((value) => {
    const url = parseUrl(value);
    if (!url || !TARGET_SCHEMES.has(url.protocol)) return false;
    return url.protocol.startsWith('http') ? url.hostname !== '' : true;
  }, SCHEME_MESSAGE)
  .meta({ description: `An https:, http:, itms-apps: or market: URL of at most ${TARGET_URL_MAX} characters` });

const text = (description: string) =>
  z.string('must be a string or null').max(TEXT_MAX, `must be at most ${TEXT_MAX} characters`).nullable().meta({ description });

const minutes = (description: string, example: number) =>
  z
    .number('must be a whole number of minutes')
    .int('must be a whole number of minutes')
    .min(0, 'must not be negative')
    .max(WINDOW_MAX_MINUTES, `must be at most ${WINDOW_MAX_MINUTES} minutes (365 days)`)
    .meta({ description, example });

const token = (max: number, description: string) =>
  z.string('must be a string or null').max(max, `must be at most ${max} characters`).nullable().meta({ description });

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

/** Everything about a link except its slug and targets; shared by create and update. */
const linkFields = {
  campaign: text('Campaign name (free text)').optional(),
  adgroup: text('Ad group (free text)').optional(),
  ad: text('Ad (free text)').optional(),
  network: text('Ad network (free text)').optional(),
  attribution_window_idfa: minutes('Minutes after a click in which an install with the same advertising id is attributed to it', 10080).optional(),
  attribution_window_fingerprint: minutes('Minutes after a click in which an install matched by IP and platform is attributed to it', 1440).optional(),
  store_params: z.boolean('must be true or false').optional().meta({ description: 'Add store attribution parameters (Play `referrer`, App Store `ct`/`pt`) to the target at click time' }),
  app_store_campaign_token: token(40, 'App Store campaign token (`ct`)').optional(),
  app_store_provider_token: token(64, 'App Store provider token (`pt`)').optional(),
  forward_query: z.boolean('must be true or false').optional().meta({ description: "Pass the visitor's query string on to the target" }),
  campaign_url: z
    .string('must be a string or null')
    .max(CAMPAIGN_URL_MAX, `must be at most ${CAMPAIGN_URL_MAX} characters`)
    .refine((v) => ['https:', 'http:'].includes(parseUrl(v)?.protocol ?? ''), 'must be an https: or http: URL')
    .nullable()
    .optional()
    .meta({ description: "The campaign's own page, for reference" }),
  country: text('Target country (free text, for reference)').optional(),
  device: text('Target device (free text, for reference)').optional(),
  user_id: text('Owner of the link in the marketing tool (free text)').optional(),
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
export type TargetsInput = z.infer<typeof targetsSchema>;

export const LIST_LIMIT_MAX = 100;

export const listQuerySchema = z.object({
  limit: z.coerce
    .number('must be a whole number')
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(LIST_LIMIT_MAX, `must be at most ${LIST_LIMIT_MAX}`)
    .default(50)
    .meta({ description: 'Links per page' }),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'must be a next_cursor from an earlier page')
    .optional()
    .meta({ description: '`next_cursor` of the previous page' }),
  slug: z.string().max(64).optional().meta({ description: 'Only the link with exactly this slug (unambiguous where a slug is all digits)' }),
  campaign: z.string().max(TEXT_MAX).optional().meta({ description: 'Only links of this campaign (exact)' }),
  network: z.string().max(TEXT_MAX).optional().meta({ description: 'Only links of this network (exact)' }),
  q: z.string().max(64).optional().meta({ description: 'Only links whose slug contains this text (case-insensitive)' }),
  deleted: z
    .enum(['true', 'false'], 'must be true or false')
    .optional()
    .meta({ description: '`true`: the deleted links instead, which `POST /links/{id}/restore` brings back' }),
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

const PLAY_STORE = (url: URL) => url.protocol === 'market:' || url.hostname === 'play.google.com';
const APP_STORE = (url: URL) =>
  url.protocol === 'itms-apps:' || url.hostname === 'apps.apple.com' || url.hostname === 'itunes.apple.com';

/**
 * A store URL in the other platform's slot is legal (a marketer may mean it) but almost
 * always a paste into the wrong box, so it is saved and pointed out.
 */
export function targetWarnings(targets: Partial<Record<TargetPlatform, string | null | undefined>>): TargetWarning[] {
  const warnings: TargetWarning[] = [];
  const ios = targets.ios ? parseUrl(targets.ios) : null;
  const android = targets.android ? parseUrl(targets.android) : null;
  if (ios && PLAY_STORE(ios)) warnings.push({ field: 'targets.ios', message: 'is a Play Store URL, but iPhones are sent here' });
  if (android && APP_STORE(android)) warnings.push({ field: 'targets.android', message: 'is an App Store URL, but Android phones are sent here' });
  return warnings;
}

const nullableText = (description: string) => z.string().nullable().meta({ description });

/** A link as the API answers it (interface.md), plus the settings of the attribution features. */
export const linkSchema = z
  .object({
    id: z.number().int().meta({ example: 42 }),
    slug: z.string().meta({ example: 'spring-sale' }),
    campaign: nullableText('Campaign name'),
    adgroup: nullableText('Ad group'),
    ad: nullableText('Ad'),
    network: nullableText('Ad network'),
    targets: z.object({ ios: z.string().optional(), android: z.string().optional(), default: z.string().optional() }),
    attribution_window_idfa: z.number().int().meta({ description: 'Minutes' }),
    attribution_window_fingerprint: z.number().int().meta({ description: 'Minutes' }),
    store_params: z.boolean(),
    app_store_campaign_token: nullableText('App Store `ct`'),
    app_store_provider_token: nullableText('App Store `pt`'),
    forward_query: z.boolean(),
    campaign_url: nullableText("The campaign's own page"),
    country: nullableText('Target country'),
    device: nullableText('Target device'),
    user_id: nullableText('Owner in the marketing tool'),
    ...ruleJsonSchema,
    created_at: z.string().meta({ format: 'date-time' }),
    updated_at: z.string().meta({ format: 'date-time' }),
  })
  .meta({ description: 'A campaign link' });

export type LinkJson = z.infer<typeof linkSchema>;

export function toLinkJson(link: LinkRecord): LinkJson {
  return {
    id: link.id,
    slug: link.slug,
    campaign: link.campaign,
    adgroup: link.adgroup,
    ad: link.ad,
    network: link.network,
    targets: link.targets,
    attribution_window_idfa: link.attributionWindowIdfa,
    attribution_window_fingerprint: link.attributionWindowFingerprint,
    store_params: link.storeParams,
    app_store_campaign_token: link.appStoreCampaignToken,
    app_store_provider_token: link.appStoreProviderToken,
    forward_query: link.forwardQuery,
    campaign_url: link.campaignUrl,
    country: link.country,
    device: link.device,
    user_id: link.userId,
    ...ruleJson(link),
    created_at: link.createdAt.toISOString(),
    updated_at: link.updatedAt.toISOString(),
  };
}
