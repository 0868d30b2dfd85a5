// zod with `.openapi()`, so these fields document themselves in the API's OpenAPI document.
import { z } from '@hono/zod-openapi';
import { integer, jsonb, timestamp, varchar } from 'drizzle-orm/pg-core';
import { ruleUrl, rulesSchema, type Rule } from './rule-schema.ts';

/**
 * The link fields of the rules feature (schedule, click limit, rules), each declared here
 * once: its column, its input schema, its API JSON and how input becomes a column. The
 * link modules spread these in, so the feature stays in one place.
 */

export const MAX_CLICKS_MAX = 1_000_000_000;

/** Columns of `campaign_links`, spread into the table in db/schema.ts. */
export const ruleColumns = {
  startsAt: timestamp('starts_at', { withTimezone: true }),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  expiredUrl: varchar('expired_url', { length: 2048 }),
  maxClicks: integer('max_clicks'),
  // Null when the link has none, so the click path tests one field and moves on.
  rules: jsonb('rules').$type<Rule[]>(),
};

/** What the click path reads of them. */
export interface LinkRuleFields {
  startsAt: Date | null;
  expiresAt: Date | null;
  expiredUrl: string | null;
  maxClicks: number | null;
  rules: Rule[] | null;
}

const instant = (description: string) =>
  z.iso
    .datetime({ offset: true, error: 'must be a date and time such as 2026-06-01T00:00:00Z, or null' })
    .nullable()
    .optional()
    .meta({ description, example: '2026-06-01T00:00:00Z' });

/** Input fields, spread into the create and update schemas of link-schemas.ts. */
export const ruleInputFields = {
  starts_at: instant('Before this instant the link answers as expired (`expired_url`, else the unknown-link answer)'),
  expires_at: instant('From this instant on the link answers as expired'),
  expired_url: ruleUrl.nullable().optional().meta({ description: 'Where visitors go outside the schedule or past `max_clicks`; null: the unknown-link answer' }),
  max_clicks: z
    .number('must be a whole number or null')
    .refine(Number.isInteger, 'must be a whole number or null')
    .min(1, 'must be at least 1')
    .max(MAX_CLICKS_MAX, `must be at most ${MAX_CLICKS_MAX}`)
    .nullable()
    .optional()
    .meta({ description: 'Human clicks (GET, not bots) after which the link answers as expired; counted across all web processes' }),
  rules: rulesSchema.nullable().optional(),
};

type RuleInput = { [K in keyof typeof ruleInputFields]?: z.infer<(typeof ruleInputFields)[K]> };

/** starts_at must come before expires_at, checked on the values the link will have. */
export function scheduleProblem(startsAt: Date | null | undefined, expiresAt: Date | null | undefined): string | null {
  if (startsAt && expiresAt && startsAt.getTime() >= expiresAt.getTime()) return 'expires_at: must be after starts_at';
  return null;
}

/** The columns a create or update sets; keys absent from the input stay absent. */
export function ruleColumnsFrom(input: RuleInput): Partial<LinkRuleFields> {
  const values: Partial<LinkRuleFields> = {};
  if (input.starts_at !== undefined) values.startsAt = input.starts_at === null ? null : new Date(input.starts_at);
  if (input.expires_at !== undefined) values.expiresAt = input.expires_at === null ? null : new Date(input.expires_at);
  if (input.expired_url !== undefined) values.expiredUrl = input.expired_url === '' ? null : input.expired_url;
  if (input.max_clicks !== undefined) values.maxClicks = input.max_clicks;
  // An empty list is stored as null: "no rules" has one spelling on the click path.
  if (input.rules !== undefined) values.rules = input.rules === null || input.rules.length === 0 ? null : input.rules;
  return values;
}

/** The API JSON of these fields. */
export const ruleJsonSchema = {
  starts_at: z.string().nullable().meta({ format: 'date-time' }),
  expires_at: z.string().nullable().meta({ format: 'date-time' }),
  expired_url: z.string().nullable(),
  max_clicks: z.number().int().nullable(),
  rules: rulesSchema,
};

export function ruleJson(link: LinkRuleFields) {
  return {
    starts_at: link.startsAt?.toISOString() ?? null,
    expires_at: link.expiresAt?.toISOString() ?? null,
    expired_url: link.expiredUrl,
    max_clicks: link.maxClicks,
    rules: link.rules ?? [],
  };
}
