import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Database } from '../../db/client.ts';
import type { LinkStore } from '../../links/link-store.ts';
import { DIMENSIONS, INTERVALS, queryStats, type Dimension, type StatsQuery, type StatsResult } from '../../stats/query.ts';
import { isTimeZone, parseInstant } from '../../stats/zoned-time.ts';
import { errorSchema, problemsBody, validationBody } from './api-errors.ts';

const DAY_MS = 86_400_000;
const MAX_BUCKETS = 10_000;
const FILTERS = DIMENSIONS;
const list = (what: string) => z.string().max(2_000).optional().meta({ description: `Only ${what}; several values comma-separated` });

export const statsQuerySchema = z.object({
  from: z.string().optional().meta({ description: '`YYYY-MM-DD` (midnight in `timezone`) or an ISO date-time with offset; default 30 days before `to`' }),
  to: z.string().optional().meta({ description: '`YYYY-MM-DD` (that whole day) or an ISO date-time with offset, exclusive; default now' }),
  interval: z.enum(INTERVALS, `must be one of ${INTERVALS.join(', ')}`).default('day').meta({ description: 'Bucket of the time series' }),
  timezone: z.string().max(64).default('UTC').meta({ description: 'IANA time zone the buckets and dates are in, e.g. Asia/Tokyo' }),
  group_by: z.enum(DIMENSIONS, `must be one of ${DIMENSIONS.join(', ')}`).optional().meta({ description: 'Dimension of the top-N list' }),
  bots: z.enum(['exclude', 'include', 'only'], 'must be exclude, include or only').default('exclude').meta({ description: 'Bot traffic (the worker’s bot flag)' }),
  limit: z.coerce.number('must be a whole number').int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(10),
  format: z.enum(['json', 'csv'], 'must be json or csv').default('json').meta({ description: '`csv`: the group rows with `group_by`, else the time series' }),
  link: list('these links (id or slug)'),
  campaign: list('clicks of these campaigns (as at click time)'),
  network: list('these networks'),
  country: list('these ISO country codes'),
  platform: list('these platforms chosen at click time (ios, android, web)'),
  device: list('these device types (smartphone, tablet, desktop, ...)'),
  os: list('these operating systems'),
  browser: list('these browsers'),
  referrer: list('these referrer hosts'),
});

const StatsResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    interval: z.enum(INTERVALS),
    timezone: z.string(),
    totals: z.object({
      clicks: z.number().int(),
      impressions: z.number().int(),
      bot_clicks: z.number().int(),
      unique_visitors: z.number().int().nullable().meta({ description: 'Exact distinct human visitors (UTC days); null with a dimension filter or bots=only' }),
    }),
    series: z.array(z.object({ start: z.string(), local: z.string(), clicks: z.number().int(), impressions: z.number().int() })),
    group_by: z.enum(DIMENSIONS).nullable(),
    groups: z.array(z.object({ value: z.string(), label: z.string().optional(), clicks: z.number().int(), impressions: z.number().int() })),
  })
  .openapi('Stats');

const problem = (description: string) => ({ content: { 'application/json': { schema: errorSchema } }, description });

const statsRoute = createRoute({
  method: 'get',
  path: '/stats',
  summary: 'Clicks and impressions over time, with totals and a top-N group',
  description: 'Counted from hourly rollups (each click once, however often it was delivered). Buckets are cut in `timezone`.',
  security: [{ bearerAuth: [] }],
  request: { query: statsQuerySchema },
  responses: {
    200: {
      content: { 'application/json': { schema: StatsResponse }, 'text/csv': { schema: z.string() } },
      description: 'The statistics (CSV with format=csv)',
    },
    400: problem('A query parameter is invalid; the message names it'),
    401: problem('Missing or wrong API key'),
    404: problem('A link in `link` does not exist'),
    503: problem('API_KEY is not set on the server'),
  },
});

type ParsedQuery = z.infer<typeof statsQuerySchema>;
type Built = { query: StatsQuery } | { field: string; message: string; status: 400 | 404 };

async function buildQuery(input: ParsedQuery, links: LinkStore, now: Date): Promise<Built> {
  if (!isTimeZone(input.timezone)) return { field: 'timezone', message: 'must be an IANA time zone such as Europe/Berlin', status: 400 };
  const to = input.to === undefined ? now : parseInstant(input.to, input.timezone, true);
  if (!to) return { field: 'to', message: 'must be YYYY-MM-DD or an ISO date-time with offset', status: 400 };
  const from = input.from === undefined ? new Date(to.getTime() - 30 * DAY_MS) : parseInstant(input.from, input.timezone);
  if (!from) return { field: 'from', message: 'must be YYYY-MM-DD or an ISO date-time with offset', status: 400 };
  if (from.getTime() >= to.getTime()) return { field: 'from', message: 'must be before to', status: 400 };
  const bucketMs = { hour: 3_600_000, day: DAY_MS, week: 7 * DAY_MS, month: 28 * DAY_MS }[input.interval];
  if ((to.getTime() - from.getTime()) / bucketMs > MAX_BUCKETS) {
    return { field: 'interval', message: `gives more than ${MAX_BUCKETS} buckets for this range; use a longer interval`, status: 400 };
  }
  const filters: Partial<Record<Dimension, string[]>> = {};
  for (const dim of FILTERS) {
    const raw = input[dim];
    if (raw === undefined || raw === '') continue;
    filters[dim] = raw.split(',').map((v) => v.trim());
  }
  if (filters.link) {
    const ids: string[] = [];
    for (const ref of filters.link) {
      const link = await links.find(ref);
      if (!link) return { field: 'link', message: `no link with id or slug ${JSON.stringify(ref)}`, status: 404 };
      ids.push(String(link.id));
    }
    filters.link = ids;
  }
  return {
    query: { from, to, interval: input.interval, timezone: input.timezone, groupBy: input.group_by, filters, bots: input.bots, limit: input.limit },
  };
}

const csvCell = (v: string | number) => (typeof v === 'number' || !/[",\n\r]/.test(v) ? String(v) : `"${v.replace(/"/g, '""')}"`);

export function toCsv(result: StatsResult, groupBy: Dimension | undefined): string {
  const rows: (string | number)[][] = groupBy
    ? [[groupBy, 'label', 'clicks', 'impressions'], ...result.groups.map((g) => [g.value, g.label ?? '', g.clicks, g.impressions])]
    : [['start', 'local', 'clicks', 'impressions'], ...result.series.map((p) => [p.start, p.local, p.clicks, p.impressions])];
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** `GET /stats`; the API key guard is applied by the caller. */
export function createStatsRoutes(deps: { db: Database; linkStore: LinkStore; now?: () => Date }): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationBody(result.error), 400);
    },
  });
  app.openapi(statsRoute, async (c: Context) => {
    const input = statsQuerySchema.parse(c.req.query());
    const built = await buildQuery(input, deps.linkStore, deps.now?.() ?? new Date());
    if (!('query' in built)) {
      const body = built.status === 400 ? problemsBody([{ field: built.field, message: built.message }]) : { error: 'not_found', message: `${built.field}: ${built.message}` };
      return c.json(body, built.status);
    }
    const result = await queryStats(deps.db, built.query);
    if (input.format === 'csv') {
      return c.body(toCsv(result, input.group_by), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="stats.csv"' });
    }
    return c.json(
      {
        from: built.query.from.toISOString(),
        to: built.query.to.toISOString(),
        interval: input.interval,
        timezone: input.timezone,
        totals: result.totals,
        series: result.series,
        group_by: input.group_by ?? null,
        groups: result.groups,
      },
      200,
    );
  });
  return app;
}
