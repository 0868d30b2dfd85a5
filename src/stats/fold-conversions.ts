import { sql } from 'drizzle-orm';
import type { ConversionEvent } from './conversion-event.ts';
import { queryRows, type Executor } from './sql-rows.ts';

const HOUR_S = 3600;

/**
 * Counts a batch's conversions inside the fold's transaction (so with the same offsets as
 * its clicks): a dedupe row per message_id first, then the rollups for the new ones only.
 * Answers how many were new.
 */
export async function foldConversions(tx: Executor, events: readonly ConversionEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const byId = new Map<string, ConversionEvent>();
  for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
  const rows = [...byId.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((e) => ({ i: e.id, l: e.linkId, t: e.ts, e: e.event, m: e.match, k: e.clickId, r: e.revenue, c: e.currency || null, p: e.platform, co: e.country }));
  const inserted = await queryRows<{ message_id: string }>(
    tx,
    sql`insert into stats_conversion_events (message_id, link_id, at, event, match, click_id, revenue, currency, platform, country)
        select i, l, to_timestamp(t), e, m, k, r, c, p, co from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as x(i text, l bigint, t bigint, e text, m text, k text, r numeric, c text, p text, co text)
        on conflict (message_id) do nothing returning message_id`,
  );
  const fresh = inserted.map((r) => byId.get(r.message_id) as ConversionEvent);
  if (fresh.length === 0) return 0;
  const sums = new Map<string, { n: number; revenue: string[] }>();
  for (const e of fresh) {
    const key = JSON.stringify([e.linkId, e.ts - (e.ts % HOUR_S), e.event, e.campaign, e.network, e.platform, e.country, e.match, e.delayBucket, e.currency]);
    const sum = sums.get(key) ?? { n: 0, revenue: [] };
    sum.n += 1;
    if (e.revenue !== null) sum.revenue.push(e.revenue);
    sums.set(key, sum);
  }
  // Revenue is summed by Postgres (numeric), never in floating point.
  const rollups = [...sums]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, s]) => {
      const [l, h, e, ca, ne, p, co, m, d, cu] = JSON.parse(key) as [number, number, string, string, string, string, string, string, number, string];
      return { l, h, e, ca, ne, p, co, m, d, cu, n: s.n, r: s.revenue };
    });
  await tx.execute(sql`insert into stats_conversions (link_id, hour, event, campaign, network, platform, country, match, delay_bucket, currency, count, revenue)
    select l, to_timestamp(h), e, ca, ne, p, co, m, d, cu, n, coalesce((select sum(v::numeric) from jsonb_array_elements_text(r) as v), 0)
    from jsonb_to_recordset(${JSON.stringify(rollups)}::jsonb)
      as x(l bigint, h bigint, e text, ca text, ne text, p text, co text, m text, d smallint, cu text, n bigint, r jsonb)
    on conflict on constraint stats_conversions_pk do update
      set count = stats_conversions.count + excluded.count, revenue = stats_conversions.revenue + excluded.revenue`);
  return fresh.length;
}
