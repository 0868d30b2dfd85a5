import { bigint, index, numeric, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Conversions (app events: install, purchase, ...) per link, UTC hour and dimensions, with
 * their count and summed revenue per currency. `link_id` 0 and `match` '' are organic
 * events (no click found). `delay_bucket` is the click-to-event time's bucket
 * (DELAY_BUCKETS_S in conversion-event.ts), -1 for organic events. Hours are the event's
 * own (corrected) time.
 */
export const statsConversions = pgTable(
  'stats_conversions',
  {
    linkId: bigint('link_id', { mode: 'number' }).notNull(),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    event: text('event').notNull(),
    campaign: text('campaign').notNull(),
    network: text('network').notNull(),
    platform: text('platform').notNull(),
    country: text('country').notNull(),
    match: text('match').notNull(),
    delayBucket: smallint('delay_bucket').notNull(),
    currency: text('currency').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    revenue: numeric('revenue', { precision: 24, scale: 6 }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'stats_conversions_pk',
      columns: [t.linkId, t.hour, t.event, t.campaign, t.network, t.platform, t.country, t.match, t.delayBucket, t.currency],
    }),
    index('stats_conversions_hour_idx').on(t.hour),
  ],
);

/**
 * One row per counted event (its message_id): a redelivered event finds its row and is
 * skipped. Pruned with the click dedupe rows (`STATS_DEDUPE_DAYS`); also the link page's
 * recent conversions.
 */
export const statsConversionEvents = pgTable(
  'stats_conversion_events',
  {
    messageId: text('message_id').primaryKey(),
    linkId: bigint('link_id', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    event: text('event').notNull(),
    match: text('match').notNull(),
    clickId: text('click_id'),
    revenue: numeric('revenue', { precision: 24, scale: 6 }),
    currency: text('currency'),
    platform: text('platform').notNull(),
    country: text('country').notNull(),
  },
  (t) => [index('stats_conversion_events_link_at_idx').on(t.linkId, t.at.desc()), index('stats_conversion_events_at_idx').on(t.at)],
);
