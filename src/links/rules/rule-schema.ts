// zod with `.openapi()`, so these schemas document themselves in the API's OpenAPI document.
import { z } from '@hono/zod-openapi';
import { isValidCidr } from './cidr.ts';

/**
 * What a link's rules may hold, shared by the API, the admin UI and the CLI so all three
 * accept and refuse the same input with the same messages. Every message is read after
 * the field's dotted path (`rules.2.when.countries.0: must be ...`).
 */

export const RULES_MAX = 50;
export const VARIANTS_MAX = 10;
export const WEIGHT_MAX = 10_000;
export const LIST_MAX = 100;
const RULE_URL_MAX = 2048;
export const DEVICE_TYPES = ['phone', 'tablet', 'desktop', 'tv'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
export const RULE_PLATFORMS = ['ios', 'android', 'web'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TARGET_SCHEMES = new Set(['https:', 'http:', 'itms-apps:', 'market:']);

function isTargetUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (!TARGET_SCHEMES.has(url.protocol)) return false;
  return url.protocol.startsWith('http') ? url.hostname !== '' : true;
}

/** A URL a visitor may be sent to; the same rules as the link's own targets. */
export const ruleUrl = z
  .string('must be a string')
  .trim()
  .max(RULE_URL_MAX, `must be at most ${RULE_URL_MAX} characters`)
  // The stored text becomes a Location header, where a line break is refused.
  .refine((v) => !/[\s\x00-\x1f\x7f]/.test(v), 'must not contain spaces or control characters (write a space as %20)')
  .refine(isTargetUrl, 'must be an https:, http:, itms-apps: or market: URL');

const label = z
  .string('must be a string')
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'must be 1 to 32 letters, digits, ".", "-" or "_"');

const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, `must be a list of ${what}`).min(1, `must name at least one ${what.replace(/s$/, '')}`).max(LIST_MAX, `must have at most ${LIST_MAX} entries`);

export const variantSchema = z.strictObject(
  {
    name: label.optional().meta({ description: 'Name of the variant in the click line and the stats; default its position (1, 2, ...)' }),
    url: ruleUrl,
    weight: z
      .number('must be a whole number')
      // A refine, not .int(): zod's int check aborts, and the union above would then
      // answer with its general message instead of naming the weight.
      .refine(Number.isInteger, 'must be a whole number')
      .min(0, 'must not be negative')
      .max(WEIGHT_MAX, `must be at most ${WEIGHT_MAX}`)
      .meta({ description: 'Share of visitors, relative to the other variants; 0 pauses the variant' }),
  },
  'must be an object with url and weight',
);

const variantsSchema = z
  .array(variantSchema, 'must be a URL or a list of variants')
  .min(2, 'must have at least two variants (one is just a URL)')
  .max(VARIANTS_MAX, `must have at most ${VARIANTS_MAX} variants`)
  .refine((vs) => vs.some((v) => v.weight > 0), 'needs at least one variant with a weight above 0')
  .refine((vs) => new Set(vs.map((v, i) => v.name ?? String(i + 1))).size === vs.length, 'variant names must differ');

/** A destination: one URL, or a weighted split test over variants. */
export const destinationSchema = z
  .union([ruleUrl, variantsSchema], { error: 'must be a URL or a list of {url, weight} variants' })
  .meta({ description: 'A URL, or a list of weighted variants (a split test); a visitor keeps their variant' });

const platformDestinations = z
  .strictObject(
    { ios: destinationSchema.optional(), android: destinationSchema.optional(), default: destinationSchema.optional() },
    'must be an object with ios, android and/or default destinations',
  )
  .refine((t) => t.ios !== undefined || t.android !== undefined || t.default !== undefined, 'needs at least one of ios, android, default');

const clock = z.string('must be a time such as "09:30"').regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as "09:30" (24-hour)');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const instant = z.iso.datetime({ offset: true, error: 'must be a date and time such as 2026-06-01T00:00:00Z' });

const timeWindowSchema = z
  .strictObject(
    {
      from: instant.optional().meta({ description: 'Matches from this instant on' }),
      until: instant.optional().meta({ description: 'Matches before this instant' }),
      days: list(z.enum(WEEKDAYS, `must be one of ${WEEKDAYS.join(', ')}`), 'weekdays').optional(),
      hours: z
        .strictObject({ from: clock, to: clock }, 'must be an object with from and to times')
        .refine((h) => h.from !== h.to, 'from and to must differ')
        .optional()
        .meta({ description: 'A daily window in `timezone`; `to` before `from` wraps past midnight' }),
      timezone: z.string('must be a time zone name').refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').optional(),
    },
    'must be an object with from, until, days, hours and/or timezone',
  )
  .refine((t) => t.from !== undefined || t.until !== undefined || t.days !== undefined || t.hours !== undefined, 'needs from, until, days or hours')
  .refine((t) => t.from === undefined || t.until === undefined || Date.parse(t.from) < Date.parse(t.until), 'from must be before until');

const queryConditionSchema = z
  .strictObject(
    {
      param: z.string('must be a string').min(1, 'must not be empty').max(128, 'must be at most 128 characters'),
      equals: z.string('must be a string').max(1024, 'must be at most 1024 characters').optional(),
      present: z.literal(true, 'must be true').optional(),
    },
    'must be an object with param and equals or present',
  )
  .refine((q) => (q.equals === undefined) !== (q.present === undefined), 'needs exactly one of equals and present');

export const conditionsSchema = z
  .strictObject(
    {
      countries: list(
        z.string('must be a string').trim().toUpperCase().regex(/^[A-Z]{2}$/, 'must be a two-letter ISO country code such as DE'),
        'countries',
      ).optional().meta({ description: 'ISO 3166-1 alpha-2 codes; the country comes from the visitor address (GeoIP)' }),
      languages: list(
        z.string('must be a string').trim().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as de or pt-BR'),
        'languages',
      ).optional().meta({ description: 'Matches when any language the visitor accepts (Accept-Language, q > 0) is one of these; `de` also matches `de-AT`' }),
      platforms: list(z.enum(RULE_PLATFORMS, `must be one of ${RULE_PLATFORMS.join(', ')}`), 'platforms').optional(),
      devices: list(z.enum(DEVICE_TYPES, `must be one of ${DEVICE_TYPES.join(', ')}`), 'devices').optional(),
      query: list(queryConditionSchema, 'query conditions').optional().meta({ description: 'Every listed query parameter must match' }),
      ips: list(z.string('must be a string').trim().refine(isValidCidr, 'must be an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8'), 'ranges')
        .optional()
        .meta({ description: 'Matches when the visitor address is in any of these ranges' }),
      time: timeWindowSchema.optional(),
    },
    'must be an object of conditions',
  )
  .meta({ description: 'All given conditions must hold; none given: every visitor matches' });

export const ruleSchema = z
  .strictObject(
    {
      name: label.optional().meta({ description: 'Name of the rule in the click line and the stats; default its position (1, 2, ...)' }),
      when: conditionsSchema.default({}),
      target: destinationSchema.optional(),
      targets: platformDestinations.optional().meta({ description: 'Per-platform destinations instead of one `target`' }),
    },
    'must be an object with when and target or targets',
  )
  .refine((r) => (r.target === undefined) !== (r.targets === undefined), 'needs exactly one of target and targets');

export const rulesSchema = z
  .array(ruleSchema, 'must be a list of rules')
  .max(RULES_MAX, `must have at most ${RULES_MAX} rules`)
  .refine((rs) => new Set(rs.map((r, i) => r.name ?? String(i + 1))).size === rs.length, 'rule names must differ')
  .meta({ description: 'Checked in order; the first rule whose conditions all hold decides. None: the link targets' });

export type Variant = z.infer<typeof variantSchema>;
export type Destination = z.infer<typeof destinationSchema>;
export type Conditions = z.infer<typeof conditionsSchema>;
export type Rule = z.infer<typeof ruleSchema>;
export type QueryCondition = z.infer<typeof queryConditionSchema>;
export type TimeWindow = z.infer<typeof timeWindowSchema>;
