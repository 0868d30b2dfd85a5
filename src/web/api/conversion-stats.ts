import { z } from '@hono/zod-openapi';
import { queryConversions, type ConversionResult } from '../../stats/conversion-query.ts';
import type { Database } from '../../db/client.ts';
import type { ParsedQuery } from '../../stats/query-input.ts';
import { DIMENSIONS, INTERVALS, type StatsQuery } from '../../stats/query.ts';
import { eventsOf } from '../../stats/conversion-input.ts';

const rate = z.number().nullable().meta({ description: 'Attributed conversions / human clicks (0.25 = 25%); null without clicks' });

/** `GET /stats?metric=conversions`: app events tied to their clicks. */
export const ConversionStatsResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    interval: z.enum(INTERVALS),
    timezone: z.string(),
    metric: z.literal('conversions'),
    events: z.array(z.string()).nullable().meta({ description: 'The `event` filter; null: every event name' }),
    totals: z.object({
      conversions: z.number().int(),
      organic: z.number().int().meta({ description: 'Conversions no click was found for' }),
      clicks: z.number().int().meta({ description: 'Human clicks in the same period and filters' }),
      conversion_rate: rate,
      revenue: z.array(z.object({ currency: z.string(), amount: z.string().meta({ description: 'Exact decimal sum' }) })),
      by_event: z.array(z.object({ event: z.string(), conversions: z.number().int(), attributed: z.number().int() })),
    }),
    series: z.array(z.object({ start: z.string(), local: z.string(), conversions: z.number().int() })),
    group_by: z.enum(DIMENSIONS).nullable(),
    groups: z.array(z.object({ value: z.string(), label: z.string().optional(), conversions: z.number().int(), clicks: z.number().int(), conversion_rate: rate })),
    delays: z
      .array(
        z.object({
          network: z.string(),
          total: z.number().int(),
          buckets: z.array(z.object({ bucket: z.string(), le_seconds: z.number().int().nullable(), count: z.number().int() })),
        }),
      )
      .meta({ description: 'Click-to-event time per network (ask event=install for click-to-install): many under 10 s hint at click injection, a flat spread over days at click flooding' }),
  })
  .openapi('ConversionStats');

export async function conversionStats(db: Database, query: StatsQuery, input: ParsedQuery) {
  const events = eventsOf(input);
  const result = await queryConversions(db, { ...query, events });
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    interval: input.interval,
    timezone: input.timezone,
    metric: 'conversions' as const,
    events: events ?? null,
    totals: result.totals,
    series: result.series,
    group_by: input.group_by ?? null,
    groups: result.groups,
    delays: result.delays,
    result,
  };
}

const csvCell = (v: string | number | null) => (v === null ? '' : typeof v === 'number' || !/[",\n\r]/.test(v) ? String(v) : `"${v.replace(/"/g, '""')}"`);

/** The groups with `group_by`, else the series; revenue and delays stay in the JSON. */
export function conversionsCsv(result: ConversionResult, groupBy: string | undefined): string {
  const rows: (string | number | null)[][] = groupBy
    ? [[groupBy, 'label', 'conversions', 'clicks', 'conversion_rate'], ...result.groups.map((g) => [g.value, g.label ?? '', g.conversions, g.clicks, g.conversion_rate])]
    : [['start', 'local', 'conversions'], ...result.series.map((p) => [p.start, p.local, p.conversions])];
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
