import type { CampaignLinkRow, LinkTargets } from '../db/schema.ts';
import type { LinkRuleFields } from './rules/link-rule-fields.ts';

export type { LinkTargets };

/** A live campaign link as the admin API, UI and CLI see it. */
export type LinkRecord = Omit<CampaignLinkRow, 'deletedAt'>;

/** A slug as URLs carry it: letters, digits, "-" and "_", at most 64. */
export const SLUG_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** What the click path needs of a campaign link; cached per slug in every web process. */
export interface Link extends LinkRuleFields {
  id: number;
  slug: string;
  campaign: string | null;
  adgroup: string | null;
  ad: string | null;
  network: string | null;
  targets: LinkTargets;
  attributionWindowIdfa: number;
  attributionWindowFingerprint: number;
  storeParams: boolean;
  appStoreCampaignToken: string | null;
  appStoreProviderToken: string | null;
  forwardQuery: boolean;
}

/** Finds links by slug. Throws when the store is unreachable. */
export interface LinkSource {
  /** The live links among `slugs` (any order); a slug without one is simply absent. */
  findBySlugs(slugs: readonly string[]): Promise<Link[]>;
}

/** A place in the links ordered by their last change, newest first (timestamps as Postgres writes them). */
export interface LinkPageCursor {
  updatedAt: string;
  id: number;
}

/** A change to a link, deletes included. */
export interface LinkChange {
  slug: string;
  updatedAt: string;
}

/** Reads links in bulk, for warming a cache and keeping it in step. */
export interface LinkPager {
  /** Live links changed before `after` (null: from the newest), newest first; `next` is null after the last page. */
  pageByRecency(after: LinkPageCursor | null, limit: number): Promise<{ links: Link[]; next: LinkPageCursor | null }>;
  /**
   * Links changed (created, updated, deleted) since `since` (null: now) less `overlapMs`,
   * at most `limit` of them, and the database's clock when it answered (the next call's
   * `since`). More than `limit` changed when `changes` holds `limit + 1`.
   */
  changedSince(since: string | null, overlapMs: number, limit: number): Promise<{ changes: LinkChange[]; now: string }>;
}
