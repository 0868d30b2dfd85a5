import { sql } from 'drizzle-orm';
import { ruleColumns } from '../links/rules/link-rule-fields.ts';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';

/** Store targets by the platform chosen at click time; `default` is the web target. */
export interface LinkTargets {
  ios?: string;
  android?: string;
  default?: string;
}

export const campaignLinks = pgTable(
  'campaign_links',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    slug: varchar('slug', { length: 64 }).notNull().unique(),
    campaign: text('campaign'),
    adgroup: text('adgroup'),
    ad: text('ad'),
    network: text('network'),
    campaignUrl: varchar('campaign_url', { length: 1024 }),
    targets: jsonb('targets').$type<LinkTargets>().notNull(),
    // Minutes after a click during which an install may be attributed to it.
    attributionWindowIdfa: integer('attribution_window_idfa').notNull().default(10080),
    attributionWindowFingerprint: integer('attribution_window_fingerprint').notNull().default(1440),
    country: text('country'),
    device: text('device'),
    userId: text('user_id'),
    // Store parameters added to targets at click time: Play `referrer`, App Store `ct`/`pt`.
    storeParams: boolean('store_params').notNull().default(true),
    appStoreCampaignToken: varchar('app_store_campaign_token', { length: 40 }),
    appStoreProviderToken: varchar('app_store_provider_token', { length: 64 }),
    // Pass the visitor's query string on to the target.
    forwardQuery: boolean('forward_query').notNull().default(false),
    // Schedule, click limit and rules (src/links/rules/).
    ...ruleColumns,
    // Deleted links keep their slug reserved, so old clicks never point at a new link.
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('campaign_links_campaign_idx').on(t.campaign),
    index('campaign_links_created_at_idx').on(sql`${t.createdAt} desc`),
    // The web processes' warm-up (newest changes first, keyset by updated_at and id) and
    // their periodic check for changes since the last one.
    index('campaign_links_updated_at_id_idx').on(t.updatedAt, t.id),
  ],
);

/**
 * Signed-in admin sessions. The cookie only names a row: signing out deletes it, so a
 * copied cookie (and the CSRF token derived from it) stops working on every process.
 */
export const adminSessions = pgTable('admin_sessions', {
  id: varchar('id', { length: 64 }).primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

export type CampaignLinkRow = typeof campaignLinks.$inferSelect;
export type NewCampaignLinkRow = typeof campaignLinks.$inferInsert;

/** Postgres channel the links table notifies on; payload: the slug that changed. */
export const LINK_CHANGES_CHANNEL = 'campaign_links_changed';

/**
 * Clicks no Redis would take, kept until one does: written by a web process whose
 * in-memory buffer cannot be flushed (an outage, or a stop during one), brought back
 * to Redis oldest first by whichever web process sees Redis again.
 */
export const clickSpool = pgTable(
  'click_spool',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // The Redis list the line was meant for (REDIS_QUEUE_KEY): it goes back to that one only.
    queueKey: text('queue_key').notNull(),
    line: text('line').notNull(),
    spilledAt: timestamp('spilled_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('click_spool_queue_key_id_idx').on(t.queueKey, t.id)],
);

/**
 * Write keys: what an app or a server sends events to `/v1/track` and `/v1/batch` with.
 * One per app (name, platform). Only the SHA-256 of the key is kept: the key is 32 random
 * bytes, so a plain hash cannot be reversed by guessing, and a leaked table sends nothing.
 */
export const writeKeys = pgTable('write_keys', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  platform: varchar('platform', { length: 32 }).notNull(),
  keyHash: varchar('key_hash', { length: 64 }).notNull().unique(),
  // The key's first characters, so a person can tell keys apart without the key.
  keyPrefix: varchar('key_prefix', { length: 16 }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  // Revoked keys stay listed (what was revoked and when); they authenticate nothing.
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export type WriteKeyRow = typeof writeKeys.$inferSelect;
