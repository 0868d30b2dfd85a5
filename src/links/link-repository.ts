import { and, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { campaignLinks } from '../db/schema.ts';
import type { Link, LinkSource } from './link.ts';

export function createLinkRepository(db: Database): LinkSource {
  // One prepared statement for any number of slugs: the cache sends the misses of an
  // event-loop turn together, and `= any($1)` keeps that a single index scan per slug in
  // one round trip (an `in (...)` list would be a new statement for every batch size).
  const bySlugs = db
    .select({
      id: campaignLinks.id,
      slug: campaignLinks.slug,
      campaign: campaignLinks.campaign,
      adgroup: campaignLinks.adgroup,
      ad: campaignLinks.ad,
      network: campaignLinks.network,
      targets: campaignLinks.targets,
      attributionWindowIdfa: campaignLinks.attributionWindowIdfa,
      attributionWindowFingerprint: campaignLinks.attributionWindowFingerprint,
      storeParams: campaignLinks.storeParams,
      appStoreCampaignToken: campaignLinks.appStoreCampaignToken,
      appStoreProviderToken: campaignLinks.appStoreProviderToken,
      forwardQuery: campaignLinks.forwardQuery,
      startsAt: campaignLinks.startsAt,
      expiresAt: campaignLinks.expiresAt,
      expiredUrl: campaignLinks.expiredUrl,
      maxClicks: campaignLinks.maxClicks,
      rules: campaignLinks.rules,
    })
    .from(campaignLinks)
    .where(and(sql`${campaignLinks.slug} = any(${sql.placeholder('slugs')}::text[])`, isNull(campaignLinks.deletedAt)))
    .prepare('campaign_links_by_slugs');

  return {
    async findBySlugs(slugs: readonly string[]): Promise<Link[]> {
      if (slugs.length === 0) return [];
      return bySlugs.execute({ slugs: [...slugs] });
    },
  };
}
