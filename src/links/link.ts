import type { LinkTargets } from '../db/schema.ts';
import type { LinkRuleFields } from './rules/link-rule-fields.ts';

export type { LinkTargets };

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

/** Finds a link by slug; null when there is none. Throws when the store is unreachable. */
export interface LinkSource {
  findBySlug(slug: string): Promise<Link | null>;
}
