import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { dimSetKeySql, TEXTS } from '../src/stats/dim-sets.ts';
import { LINK_BLOCK_LEVELS } from '../src/stats/link-blocks.ts';
import { benchDatabase } from './services.ts';

const DAYS = 90;

/**
 * The query bench's database. With BENCH_KEEP_DATA=1 it has a fixed name per click count and
 * is kept after the run, so the next run skips the seeding (28 minutes for 10M clicks on a
 * loaded machine); migrations added since are applied and their rollups derived (below).
 */
export async function statsQueryDatabase(adminUrl: string, clicks: number): Promise<{ url: string; done: () => Promise<void> }> {
  if (process.env.BENCH_KEEP_DATA !== '1') {
    const database = await benchDatabase(adminUrl);
    return { url: database.url, done: database.drop };
  }
  const name = `${process.env.BENCH_DATABASE_PREFIX ?? 'clicktrack_bench'}_stats_${clicks}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
  if (!exists) await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return { url: url.toString(), done: async () => {} };
}

const isEmpty = async (db: Database, table: string) => ((await db.execute(sql.raw(`select not exists (select 1 from ${table}) as e`))) as unknown as { e: boolean }[])[0]?.e ?? true;

/**
 * `clicks` synthetic clicks over 90 days ending at the hour `now` (seconds) and `links`
 * links, written straight into the rollups, visitor rows and dedupe table as the fold would
 * leave them. Each table is filled only while empty, so a kept database gets just the
 * rollups it lacks. Answers the hour the data ends at (that of the first seeding).
 */
export async function seedStatsClicks(db: Database, opts: { clicks: number; links: number; now: number }): Promise<number> {
  // Click g goes to link g % links and to hour 7 * (g / links) mod the period's hours (7 is
  // prime to 2,160): no two clicks share a link and hour, so every click is its own rollup
  // row (the most rows 10M clicks can make) and the rows go in without a GROUP BY.
  if (opts.clicks > opts.links * DAYS * 24) throw new Error(`at most ${opts.links * DAYS * 24} clicks for ${opts.links} links`);
  const link = sql`(1 + g % ${opts.links})`;
  const hour = sql`to_timestamp(${opts.now} - (((g / ${opts.links}) * 7) % (${DAYS} * 24)) * 3600)`;
  if (await isEmpty(db, 'stats_hourly')) {
    // Each click's texts, as the fold would store them: the combination once in stats_dim_sets,
    // its id in the hourly row.
    const texts = sql`(array['ios','android','web'])[1 + g % 3] as platform, (array['US','DE','JP','BR','FR','GB','IN','MX','ES','IT','CA','AU'])[1 + (g / 7) % 12] as country,
             (array['smartphone','tablet','desktop'])[1 + (g / 3) % 3] as device, (array['iOS','Android','Windows','Mac OS'])[1 + g % 4] as os,
             (array['Mobile Safari','Chrome','Firefox','Edge','Samsung Internet'])[1 + (g / 5) % 5] as browser, (array['','news.example.com','social.example','search.example'])[1 + (g / 11) % 4] as referrer,
             'c' || (${link} % 50) as campaign, (array['meta','tiktok','google','snap'])[1 + ${link} % 4] as network`;
    const key = dimSetKeySql(TEXTS.map((t) => sql.raw(`c.${t}`)));
    const clicks = sql`(select g, ${texts} from generate_series(0::bigint, ${opts.clicks - 1}::bigint) g) c`;
    await db.execute(sql`insert into stats_dim_sets (id, ${sql.raw(TEXTS.join(', '))})
      select distinct on (k) ${key} as k, ${sql.raw(TEXTS.map((t) => `c.${t}`).join(', '))} from ${clicks} order by k`);
    await db.execute(sql`insert into stats_hourly (link_id, hour, kind, bot, dim_set, count)
      select ${link}, ${hour}, (case when g % 10 = 0 then 2 else 1 end)::smallint, g % 23 = 0, ${key}, 1
      from ${clicks}`);
  }
  const rows = (await db.execute(sql`select extract(epoch from max(hour))::bigint as now from stats_hourly`)) as unknown as { now: string }[];
  const now = Number(rows[0]?.now ?? opts.now);
  const seededHour = sql`to_timestamp(${now} - (((g / ${opts.links}) * 7) % (${DAYS} * 24)) * 3600)`;
  if (await isEmpty(db, 'stats_visitors')) {
    await db.execute(sql`insert into stats_visitors (link_id, day, visitor)
      select ${link}, (${seededHour} at time zone 'UTC')::date, (g % (${opts.clicks} / 5))::bigint * 2654435761
      from generate_series(0::bigint, ${opts.clicks - 1}::bigint) g on conflict do nothing`);
  }
  if (await isEmpty(db, 'stats_events')) {
    await db.execute(sql`insert into stats_events (event_id, link_id, at, kind, bot, platform, country, device)
      select ('x' || substr(md5(g::text), 1, 16))::bit(64)::bigint, ${link}, ${seededHour}, 1, false, 'ios', 'US', 'smartphone'
      from generate_series(0::bigint, ${opts.clicks - 1}::bigint) g`);
  }
  // The other rollups as the fold would have written them, derived from the hourly rows.
  if (await isEmpty(db, 'stats_link_blocks')) {
    // As migrations 0010 and 0012 leave them: level 0 per link and hour, each level from the
    // one below, then level 0 dropped (queries read single hours from stats_hourly).
    await db.execute(sql`insert into stats_link_blocks (level, start, link_id, clicks, impressions, bot_clicks, bot_impressions)
      select 0, hour, link_id, coalesce(sum(count) filter (where kind = 1 and not bot), 0), coalesce(sum(count) filter (where kind = 2 and not bot), 0),
        coalesce(sum(count) filter (where kind = 1 and bot), 0), coalesce(sum(count) filter (where kind = 2 and bot), 0)
      from stats_hourly group by 2, 3 order by 2, 3`);
    for (const [i, level] of LINK_BLOCK_LEVELS.entries()) {
      if (i === 0) continue;
      const seconds = 3600 * 2 ** level;
      await db.execute(sql`insert into stats_link_blocks (level, start, link_id, clicks, impressions, bot_clicks, bot_impressions)
        select ${level}, to_timestamp(extract(epoch from start)::bigint - extract(epoch from start)::bigint % ${seconds}), link_id,
          sum(clicks), sum(impressions), sum(bot_clicks), sum(bot_impressions)
        from stats_link_blocks where level = ${LINK_BLOCK_LEVELS[i - 1]} group by 2, 3 order by 2, 3`);
    }
    await db.execute(sql`delete from stats_link_blocks where level = 0`);
  }
  if (await isEmpty(db, 'stats_dims_hourly')) {
    await db.execute(sql`insert into stats_dims_hourly (dim, hour, value, clicks, impressions, bot_clicks, bot_impressions)
      select case when grouping(platform) = 0 then 'platform' when grouping(country) = 0 then 'country' when grouping(device) = 0 then 'device'
               when grouping(os) = 0 then 'os' when grouping(browser) = 0 then 'browser' when grouping(referrer) = 0 then 'referrer'
               when grouping(campaign) = 0 then 'campaign' when grouping(network) = 0 then 'network' else '' end,
        hour, coalesce(platform, country, device, os, browser, referrer, campaign, network, ''),
        coalesce(sum(count) filter (where kind = 1 and not bot), 0), coalesce(sum(count) filter (where kind = 2 and not bot), 0),
        coalesce(sum(count) filter (where kind = 1 and bot), 0), coalesce(sum(count) filter (where kind = 2 and bot), 0)
      from stats_hourly_dims
      group by grouping sets ((hour), (hour, platform), (hour, country), (hour, device), (hour, os), (hour, browser), (hour, referrer), (hour, campaign), (hour, network))`);
  }
  await db.execute(sql`vacuum analyze stats_hourly, stats_dim_sets, stats_visitors, stats_events, stats_link_blocks, stats_dims_hourly`);
  return now;
}
