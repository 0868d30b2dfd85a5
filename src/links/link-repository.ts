import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { campaignLinks } from '../db/schema.ts';
import type { Link, LinkSource } from './link.ts';

export function createLinkRepository(db: Database): LinkSource {
  const bySlug = db
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
    .where(and(eq(campaignLinks.slug, sql.placeholder('slug')), isNull(campaignLinks.deletedAt)))
    .limit(1)
    .prepare('campaign_link_by_slug');

  return {
    async findBySlug(slug: string): Promise<Link | null> {
      const rows = await bySlug.execute({ slug });
      return rows[0] ?? null;
    },
  };
}

