import { isIP } from 'node:net';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { acceptedLanguages } from '../../links/rules/accept-language.ts';
import { explainLink, type ExplainDeps } from '../../links/rules/explain-link.ts';
import type { LinkStore } from '../../links/link-store.ts';
import { errorSchema, } from './api-errors.ts';
import { apiRouter, denied } from './openapi-parts.ts';

/** The described visitor, as query parameters; shared with the admin UI's "test this link" form. */
export const explainQuerySchema = z.object({
  ua: z.string('must be a string').max(1024, 'must be at most 1024 characters').default('').meta({ description: "The visitor's User-Agent; decides platform and device" }),
  country: z
    .string('must be a string')
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO country code such as DE')
    .optional()
    .meta({ description: 'ISO code; absent: looked up from `ip` with the GeoIP database, as a click is' }),
  languages: z
    .string('must be a string')
    .max(1024, 'must be at most 1024 characters')
    .default('')
    .meta({ description: 'An Accept-Language value or a comma-separated list, e.g. `de-AT,en;q=0.5`' }),
  ip: z
    .string('must be a string')
    .trim()
    .refine((v) => v === '' || isIP(v) !== 0, 'must be an IPv4 or IPv6 address')
    .default('')
    .meta({ description: "The visitor's address (IP rules, GeoIP, and who keeps which variant)" }),
  query: z.string('must be a string').max(4096, 'must be at most 4096 characters').default('').meta({ description: 'The query string of the click, e.g. `utm_source=fb&gclid=1`' }),
  time: z.iso
    .datetime({ offset: true, error: 'must be a date and time such as 2026-06-01T12:00:00Z' })
    .optional()
    .meta({ description: 'When the click happens; default now' }),
});

export type ExplainQuery = z.infer<typeof explainQuerySchema>;

const trace = z.object({ index: z.number().int(), name: z.string(), matched: z.boolean(), reasons: z.array(z.string()) });
const explanationSchema = z
  .object({
    visitor: z.object({
      platform: z.enum(['ios', 'android', 'web']),
      device: z.enum(['phone', 'tablet', 'desktop', 'tv']),
      country: z.string().nullable(),
      languages: z.array(z.string()),
      ip: z.string(),
      time: z.string(),
    }),
    schedule: z.enum(['active', 'not_started', 'ended']),
    answer: z.enum(['redirect', 'expired', 'no_target']).meta({ description: '`expired`: outside the schedule; `no_target`: the unknown-link answer' }),
    rule: z.object({ index: z.number().int(), name: z.string() }).nullable().meta({ description: 'The rule that decided; null: the link targets' }),
    variant: z.string().nullable(),
    target: z.string().nullable().meta({ description: 'Where the visitor goes (before store parameters are added); when expired, `expired_url`' }),
    rules: z.array(trace).meta({ description: 'The rules checked in order, with why each earlier one did not match' }),
    max_clicks: z.number().int().nullable().meta({ description: 'Not checked here: explaining must not use up a click' }),
  })
  .openapi('Explanation');

const explainRoute = createRoute({
  method: 'get',
  path: '/links/{id}/explain',
  summary: 'Which rule, variant and target a described visitor gets, and why',
  description: 'Runs the click path\'s schedule check and rules for the visitor described by the query; nothing is counted or queued.',
  security: [{ bearerAuth: [] }],
  request: {
    params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: 'The numeric id or the slug', example: '42' }) }),
    query: explainQuerySchema,
  },
  responses: {
    200: { content: { 'application/json': { schema: explanationSchema } }, description: 'The explanation' },
    400: { content: { 'application/json': { schema: errorSchema } }, description: 'A query parameter is invalid; the message names it' },
    404: { content: { 'application/json': { schema: errorSchema } }, description: 'No such link' },
    ...denied,
  },
});

/** The described visitor in the engine's terms. */
export function describedVisitor(q: ExplainQuery, nowMs: number) {
  return {
    userAgent: q.ua,
    country: q.country,
    languages: acceptedLanguages(q.languages),
    ip: q.ip,
    query: Object.fromEntries(new URLSearchParams(q.query.replace(/^\?/, ''))),
    nowMs: q.time === undefined ? nowMs : Date.parse(q.time),
  };
}

export function createExplainRoutes(store: LinkStore, deps: ExplainDeps, nowMs: () => number): OpenAPIHono {
  const app = apiRouter();
  app.openapi(explainRoute, async (c) => {
    const ref = c.req.valid('param').id;
    const link = await store.find(ref);
    if (!link) return c.json({ error: 'not_found', message: `no link with id or slug ${JSON.stringify(ref)}` }, 404);
    return c.json(await explainLink(link, describedVisitor(c.req.valid('query'), nowMs()), deps), 200);
  });
  return app;
}
