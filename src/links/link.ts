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
