import { bigint, boolean, date, index, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { TEXTS, type TextDimension } from './dim-sets.ts';

const textColumn = (name: TextDimension) => text(name).notNull();

function countColumns() {
  return {
    clicks: bigint('clicks', { mode: 'number' }).notNull(),
    impressions: bigint('impressions', { mode: 'number' }).notNull(),
    botClicks: bigint('bot_clicks', { mode: 'number' }).notNull(),
    botImpressions: bigint('bot_impressions', { mode: 'number' }).notNull(),
  };
}

/** Event kinds in the rollups: a click (`/t/click`) or an impression (`/t/imp`). */
export const KIND_CLICK = 1;
export const KIND_IMPRESSION = 2;

/**
 * One row per link, UTC hour, kind, bot flag and combination of the text dimensions (the id of
 * its `stats_dim_sets` row), with its count. Every dimension of a click sits in the same row,
 * so any filter combines with any group-by; an unknown value is ''. Queried as hour, day, week
 * or month in the caller's time zone by truncating `hour` there; `stats_hourly_dims` (a view,
 * migration 0013) joins the texts back for the queries that filter or group by them.
 */
export const statsHourly = pgTable(
  'stats_hourly',
  {
    linkId: bigint('link_id', { mode: 'number' }).notNull(),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    kind: smallint('kind').notNull(),
    bot: boolean('bot').notNull(),
    dimSet: bigint('dim_set', { mode: 'bigint' }).notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'stats_hourly_pk', columns: [t.linkId, t.hour, t.kind, t.bot, t.dimSet] }),
    // The dashboard reads every link over a period.
    index('stats_hourly_hour_idx').on(t.hour),
  ],
);

/**
 * Each combination of the text dimensions that a click came with, once (dim-sets.ts): its id
 * is made from its texts, so a fold inserts the combinations it brings and skips those there.
 * Never pruned: the rollups keep referring to them.
 */
export const statsDimSets = pgTable('stats_dim_sets', {
  id: bigint('id', { mode: 'bigint' }).primaryKey(),
  // The texts as dim-sets.ts lists them: one list for the table, the fold and the queries.
  ...(Object.fromEntries(TEXTS.map((name) => [name, textColumn(name)])) as Record<TextDimension, ReturnType<typeof textColumn>>),
});

/**
 * Exact unique visitors: one row per link, UTC day and visitor. `visitor` is the first
 * 8 bytes of a keyed hash of the click's `lookup_key` (or of address and user agent when
 * the visitor asked for privacy), so no address is stored and 2^64 makes collisions moot.
 * Only human clicks are counted.
 */
export const statsVisitors = pgTable(
  'stats_visitors',
  {
    linkId: bigint('link_id', { mode: 'number' }).notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    visitor: bigint('visitor', { mode: 'bigint' }).notNull(),
  },
  (t) => [primaryKey({ name: 'stats_visitors_pk', columns: [t.linkId, t.day, t.visitor] })],
);

/**
 * One row per folded event (click_id or impression_id): a redelivered event finds its row
 * and is skipped. The id is kept as the first 8 bytes of its md5 as a signed bigint (see
 * event-key.ts): a quarter of a text UUID's index, and ids are made by our own processes.
 * The key leads with the link and the time, so the one index serves both the dedupe check
 * and the admin UI's recent clicks panel (a link's latest rows, no address in them): a
 * redelivery is the same Kafka message, so it brings the same link and time with its id.
 * A second index for the panel cost Postgres about 1.8 µs of its 15 an event (README,
 * Statistics benchmarks). Kept `STATS_DEDUPE_DAYS`, pruned in small batches by `at` (a BRIN
 * index: rows arrive in time order, and it costs the fold next to nothing).
 */
export const statsEvents = pgTable(
  'stats_events',
  {
    eventId: bigint('event_id', { mode: 'bigint' }).notNull(),
    linkId: bigint('link_id', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: smallint('kind').notNull(),
    bot: boolean('bot').notNull(),
    platform: text('platform').notNull(),
    country: text('country').notNull(),
    device: text('device').notNull(),
  },
  (t) => [primaryKey({ name: 'stats_events_pk', columns: [t.linkId, t.at, t.eventId] }), index('stats_events_at_brin').using('brin', t.at)],
);

/**
 * The same counts without the link, one dimension at a time: per UTC hour, dimension
 * (`''` for the total, else a dimension name such as `country`) and value. A few hundred
 * rows an hour however many links there are, so the dashboard's totals, series and top
 * campaigns, networks and countries read these instead of every link's rows.
 */
export const statsDimsHourly = pgTable(
  'stats_dims_hourly',
  {
    dim: text('dim').notNull(),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    value: text('value').notNull(),
    ...countColumns(),
  },
  (t) => [primaryKey({ name: 'stats_dims_hourly_pk', columns: [t.dim, t.hour, t.value] })],
);

/**
 * Per link and aligned block of 2^level hours (levels 2, 4, 6 and 8; single hours come from
 * `stats_hourly`, see link-blocks.ts), the four counts: the top links and the link list read
 * any period as at most two blocks per level and link (a 30-day dashboard about ten rows per
 * link instead of 30 days and the edge hours).
 * The key leads with the block, so a query reads each block's links as one index range.
 */
export const statsLinkBlocks = pgTable(
  'stats_link_blocks',
  {
    level: smallint('level').notNull(),
    start: timestamp('start', { withTimezone: true }).notNull(),
    linkId: bigint('link_id', { mode: 'number' }).notNull(),
    ...countColumns(),
  },
  (t) => [primaryKey({ name: 'stats_link_blocks_pk', columns: [t.level, t.start, t.linkId] })],
);

/** The stats consumer's position per group, topic and partition: the next offset to fold. */
export const statsOffsets = pgTable(
  'stats_offsets',
  {
    groupId: text('group_id').notNull(),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    nextOffset: bigint('next_offset', { mode: 'bigint' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'stats_offsets_pk', columns: [t.groupId, t.topic, t.partition] })],
);
