import { and, isNull, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.ts';
import { campaignLinks } from '../db/schema.ts';
import type { Link, LinkPager, LinkPageCursor, LinkSource } from './link.ts';
import { queryRows } from '../stats/sql-rows.ts';

/** What the click path reads of a link, in the order of the array each row comes as. */
const LINK_COLUMNS = [
  ['id', campaignLinks.id],
  ['slug', campaignLinks.slug],
  ['campaign', campaignLinks.campaign],
  ['adgroup', campaignLinks.adgroup],
  ['ad', campaignLinks.ad],
  ['network', campaignLinks.network],
  ['targets', campaignLinks.targets],
  ['attributionWindowIdfa', campaignLinks.attributionWindowIdfa],
  ['attributionWindowFingerprint', campaignLinks.attributionWindowFingerprint],
  ['storeParams', campaignLinks.storeParams],
  ['appStoreCampaignToken', campaignLinks.appStoreCampaignToken],
  ['appStoreProviderToken', campaignLinks.appStoreProviderToken],
  ['forwardQuery', campaignLinks.forwardQuery],
  ['startsAt', campaignLinks.startsAt],
  ['expiresAt', campaignLinks.expiresAt],
  ['expiredUrl', campaignLinks.expiredUrl],
  ['maxClicks', campaignLinks.maxClicks],
  ['rules', campaignLinks.rules],
] as const satisfies ReadonlyArray<readonly [keyof Link, PgColumn]>;

// Every key of Link is read, and nothing else: a field added to Link fails to compile here.
type Listed = (typeof LINK_COLUMNS)[number][0];
const everyField: Record<Exclude<keyof Link, Listed>, never> & Record<Exclude<Listed, keyof Link>, never> = {};
void everyField;

type Row = { [K in keyof typeof LINK_COLUMNS]: unknown };

const instant = (value: unknown): Date | null => (value === null ? null : new Date(value as string));

/** A row as JSON gives it: bigint ids and integers are numbers, jsonb is parsed, timestamps are ISO text. */
function toLink(r: Row): Link {
  return {
    id: r[0] as number,
    slug: r[1] as string,
    campaign: r[2] as string | null,
    adgroup: r[3] as string | null,
    ad: r[4] as string | null,
    network: r[5] as string | null,
    targets: r[6] as Link['targets'],
    attributionWindowIdfa: r[7] as number,
    attributionWindowFingerprint: r[8] as number,
    storeParams: r[9] as boolean,
    appStoreCampaignToken: r[10] as string | null,
    appStoreProviderToken: r[11] as string | null,
    forwardQuery: r[12] as boolean,
    startsAt: instant(r[13]),
    expiresAt: instant(r[14]),
    expiredUrl: r[15] as string | null,
    maxClicks: r[16] as number | null,
    rules: r[17] as Link['rules'],
  };
}

export function createLinkRepository(db: Database): LinkSource & LinkPager {
  // All the links of a batch come back as one JSON text of one row: the drivers decode 18
  // columns per row field by field, which cost about 10 µs of the web process's CPU per
  // link (20 through drizzle's row mapping), against a few µs for one JSON.parse. One
  // prepared statement for any number of slugs: `= any($1)` keeps a single index scan per
  // slug in one round trip (an `in (...)` list would be a new statement per batch size).
  const row = sql.join(
    LINK_COLUMNS.map(([, column]) => sql`${column}`),
    sql`, `,
  );
  const links: SQL<string> = sql`coalesce(json_agg(json_build_array(${row})), '[]')::text`;
  const bySlugs = db
    .select({ links })
    .from(campaignLinks)
    .where(and(sql`${campaignLinks.slug} = any(${sql.placeholder('slugs')}::text[])`, isNull(campaignLinks.deletedAt)))
    .prepare('campaign_links_by_slugs_json');

  // A page of the warm-up: live links by their last change, newest first, each row with its
  // updated_at (as text: a Date would drop the microseconds the keyset needs). The subquery
  // keeps the table's name so the columns above still name its rows; the scan follows
  // campaign_links_updated_at_id_idx backwards.
  const pageRow = sql.join([row, sql`${campaignLinks.updatedAt}`], sql`, `);
  const pageOf = (after: LinkPageCursor, limit: number) => sql`
    select coalesce(json_agg(json_build_array(${pageRow}) order by ${campaignLinks.updatedAt} desc, ${campaignLinks.id} desc), '[]')::text as links
    from (select * from ${campaignLinks}
          where ${campaignLinks.deletedAt} is null and (${campaignLinks.updatedAt}, ${campaignLinks.id}) < (${after.updatedAt}::timestamptz, ${after.id})
          order by ${campaignLinks.updatedAt} desc, ${campaignLinks.id} desc limit ${limit}) as ${campaignLinks}`;

  return {
    async pageByRecency(after, limit) {
      const [result] = await queryRows<{ links: string }>(db, pageOf(after ?? { updatedAt: 'infinity', id: 0 }, limit));
      const rows = JSON.parse(result?.links ?? '[]') as Array<Row & { 18: string }>;
      const last = rows.at(-1);
      return { links: rows.map(toLink), next: rows.length === limit && last ? { updatedAt: last[18], id: last[0] as number } : null };
    },

    async changedSince(since, overlapMs, limit) {
      // Each change's updated_at is its transaction's start, which can be a little before
      // a change committed just before the previous check: the overlap reads those again.
      const [clock] = await queryRows<{ now: string }>(db, sql`select now()::text as now`);
      const now = clock!.now;
      const changes = await queryRows<{ slug: string; updatedAt: string }>(
        db,
        sql`select ${campaignLinks.slug} as slug, ${campaignLinks.updatedAt}::text as "updatedAt" from ${campaignLinks}
            where ${campaignLinks.updatedAt} > ${since ?? now}::timestamptz - make_interval(secs => ${overlapMs / 1000}) limit ${limit + 1}`,
      );
      return { changes, now };
    },

    async findBySlugs(slugs: readonly string[]): Promise<Link[]> {
      if (slugs.length === 0) return [];
      const [result] = await bySlugs.execute({ slugs: [...slugs] });
      return (JSON.parse(result?.links ?? '[]') as Row[]).map(toLink);
    },
  };
}
