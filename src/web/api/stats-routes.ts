import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Database } from '../../db/client.ts';
import type { LinkStore } from '../../links/link-store.ts';
import { DIMENSIONS, INTERVALS, queryStats, type Dimension, type StatsResult } from '../../stats/query.ts';
import { buildStatsQuery, statsQuerySchema } from '../../stats/query-input.ts';
import { problemsBody, } from './api-errors.ts';
import { apiRouter, denied, problem } from './openapi-parts.ts';
import { conversionsCsv, conversionStats, ConversionStatsResponse } from './conversion-stats.ts';
import { conversionQueryProblem } from '../../stats/conversion-input.ts';

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
      unique_visitors: z.number().int().nullable().meta({ description: 'Exact distinct human visitors (UTC days); null without a link filter, with a dimension filter or bots=only' }),
    }),
    series: z.array(z.object({ start: z.string(), local: z.string(), clicks: z.number().int(), impressions: z.number().int() })),
    group_by: z.enum(DIMENSIONS).nullable(),
    groups: z.array(z.object({ value: z.string(), label: z.string().optional(), clicks: z.number().int(), impressions: z.number().int() })),
  })
  .openapi('Stats');


const statsRoute = createRoute({
  method: 'get',
  path: '/stats',
  summary: 'Clicks and impressions (or, with metric=conversions, installs, purchases and other app events) over time, with totals and a top-N group',
  description:
    'Counted from hourly rollups (each click or event once, however often it was delivered). Buckets are cut in `timezone`. With `metric=conversions` the answer is a ConversionStats: conversions by event name, conversion rate (attributed conversions / human clicks), revenue per currency and the click-to-event time per network; `event=install` narrows it to installs.',
  security: [{ bearerAuth: [] }],
  request: { query: statsQuerySchema },
  responses: {
    200: {
      content: { 'application/json': { schema: z.union([StatsResponse, ConversionStatsResponse]) }, 'text/csv': { schema: z.string() } },
      description: 'The statistics (CSV with format=csv)',
    },
    400: problem('A query parameter is invalid; the message names it'),
    404: problem('A link in `link` does not exist'),
    ...denied,
  },
});

const csvCell = (v: string | number) => (typeof v === 'number' || !/[",\n\r]/.test(v) ? String(v) : `"${v.replace(/"/g, '""')}"`);

export function toCsv(result: StatsResult, groupBy: Dimension | undefined): string {
  const rows: (string | number)[][] = groupBy
    ? [[groupBy, 'label', 'clicks', 'impressions'], ...result.groups.map((g) => [g.value, g.label ?? '', g.clicks, g.impressions])]
    : [['start', 'local', 'clicks', 'impressions'], ...result.series.map((p) => [p.start, p.local, p.clicks, p.impressions])];
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** `GET /stats`; the API key guard is applied by the caller. */
export function createStatsRoutes(deps: { db: Database; linkStore: LinkStore; now?: () => Date }): OpenAPIHono {
  const app = apiRouter();
  app.openapi(statsRoute, async (c: Context) => {
    const input = statsQuerySchema.parse(c.req.query());
    const built = await buildStatsQuery(input, (ref) => deps.linkStore.find(ref), deps.now?.() ?? new Date());
    if (!('query' in built)) {
      const body = built.status === 400 ? problemsBody([{ field: built.field, message: built.message }]) : { error: 'not_found', message: `${built.field}: ${built.message}` };
      return c.json(body, built.status);
    }
    if (input.metric === 'conversions') {
      const wrong = conversionQueryProblem(input);
      if (wrong) return c.json(problemsBody([wrong]), 400);
      const { result: conversions, ...body } = await conversionStats(deps.db, built.query, input);
      if (input.format === 'csv') {
        return c.body(conversionsCsv(conversions, input.group_by), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="conversions.csv"' });
      }
      return c.json(body, 200);
    }
    if (input.event) return c.json(problemsBody([{ field: 'event', message: 'only with metric=conversions' }]), 400);
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
