import { bigint, boolean, date, index, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/** Event kinds in the rollups: a click (`/t/click`) or an impression (`/t/imp`). */
export const KIND_CLICK = 1;
export const KIND_IMPRESSION = 2;

/**
 * One row per link, UTC hour and combination of dimensions, with its count. Every
 * dimension sits in the same row so any filter combines with any group-by; an unknown
 * value is '' (primary key columns cannot be null). Queried as hour, day, week or month
 * in the caller's time zone by truncating `hour` there.
 */
export const statsHourly = pgTable(
  'stats_hourly',
  {
    linkId: bigint('link_id', { mode: 'number' }).notNull(),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    kind: smallint('kind').notNull(),
    bot: boolean('bot').notNull(),
    platform: text('platform').notNull(),
    country: text('country').notNull(),
    device: text('device').notNull(),
    os: text('os').notNull(),
    browser: text('browser').notNull(),
    referrer: text('referrer').notNull(),
    campaign: text('campaign').notNull(),
    network: text('network').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'stats_hourly_pk',
      columns: [t.linkId, t.hour, t.kind, t.bot, t.platform, t.country, t.device, t.os, t.browser, t.referrer, t.campaign, t.network],
    }),
    // The dashboard reads every link over a period.
    index('stats_hourly_hour_idx').on(t.hour),
  ],
);

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
 * One row per folded event id (click_id or impression_id): a redelivered event finds its
 * row and is skipped. Kept `STATS_DEDUPE_DAYS`, pruned in small batches by `at`. The row
 * also serves the admin UI's recent clicks panel (no address in it).
 */
export const statsEvents = pgTable(
  'stats_events',
  {
    eventId: text('event_id').primaryKey(),
    linkId: bigint('link_id', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: smallint('kind').notNull(),
    bot: boolean('bot').notNull(),
    platform: text('platform').notNull(),
    country: text('country').notNull(),
    device: text('device').notNull(),
  },
  (t) => [index('stats_events_link_at_idx').on(t.linkId, t.at.desc()), index('stats_events_at_idx').on(t.at)],
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
