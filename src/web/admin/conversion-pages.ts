import type { Database } from '../../db/client.ts';
import { conversionDelays, conversionGroups, queryConversions, recentConversions } from '../../stats/conversion-query.ts';
import type { StatsQuery } from '../../stats/query.ts';
import { dashboardConversionsPanel, linkConversionsPanel } from './views/conversions-panel.ts';
import type { Html } from './views/layout.ts';

const INSTALLS = ['install'];

/** The conversions panel of a link's page, over the page's period. */
export async function linkConversions(db: Database, q: StatsQuery, linkId: number, timeZone: string): Promise<Html> {
  const [result, installs, recent] = await Promise.all([
    queryConversions(db, q),
    conversionDelays(db, { ...q, events: INSTALLS }),
    recentConversions(db, linkId, 15),
  ]);
  return linkConversionsPanel({ linkId, result, installs, recent, timeZone });
}

/** The dashboard's conversions panel, over all links. */
export async function dashboardConversions(db: Database, q: StatsQuery): Promise<Html> {
  const [result, installs, links, campaigns, networks] = await Promise.all([
    queryConversions(db, q),
    conversionDelays(db, { ...q, events: INSTALLS }),
    conversionGroups(db, q, 'link'),
    conversionGroups(db, q, 'campaign'),
    conversionGroups(db, q, 'network'),
  ]);
  return dashboardConversionsPanel({ result, installs, links, campaigns, networks });
}
