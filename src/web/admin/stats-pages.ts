import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import type { Database } from '../../db/client.ts';
import type { LinkStore } from '../../links/link-store.ts';
import { linkClickCounts, queryGroups, queryStats, recentEvents, type StatsQuery } from '../../stats/query.ts';
import type { AdminEnv } from './admin-env.ts';
import { statsRange, viewerTimeZone } from './stats-range.ts';
import { messagePage, type Html } from './views/layout.ts';
import { dashboardPage } from './views/dashboard.ts';
import { BREAKDOWNS, linkStatsSection, recentRows } from './views/stats-section.ts';
import { dashboardConversions, linkConversions } from './conversion-pages.ts';

export interface AdminStats {
  /** The statistics section of a link's page. */
  linkSection(c: Context, linkId: number): Promise<Html>;
  /** Human clicks per link, last 24 h and 30 days, for the list. */
  clickCounts(linkIds: number[]): Promise<Map<number, { day: number; month: number }>>;
}

function baseQuery(c: Context, filters: StatsQuery['filters'], limit = 10): StatsQuery {
  const range = statsRange(c);
  return { from: range.from, to: range.to, interval: range.interval, timezone: range.timezone, filters, bots: 'exclude', limit };
}

export function createAdminStats(db: Database): AdminStats {
  return {
    async linkSection(c, linkId) {
      const range = statsRange(c);
      const q = baseQuery(c, { link: [String(linkId)] }, 8);
      const [result, recent, ...groups] = await Promise.all([
        queryStats(db, q),
        recentEvents(db, linkId, 15),
        ...BREAKDOWNS.map(([dim]) => queryGroups(db, q, dim)),
      ]);
      const breakdowns = Object.fromEntries(BREAKDOWNS.map(([dim], i) => [dim, groups[i] ?? []])) as Parameters<typeof linkStatsSection>[0]['breakdowns'];
      return html`${linkStatsSection({ linkId, range, result, breakdowns, recent })}${await linkConversions(db, q, linkId, range.timezone)}`;
    },
    clickCounts: (linkIds) => linkClickCounts(db, linkIds),
  };
}

/** `/admin/dashboard` and the recent clicks refresh of a link page. */
export function createStatsPages(deps: { db: Database; store: LinkStore }): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get('/dashboard', async (c) => {
    const q = baseQuery(c, {});
    const [result, links, campaigns, networks, countries] = await Promise.all([
      queryStats(deps.db, q),
      queryGroups(deps.db, q, 'link'),
      queryGroups(deps.db, q, 'campaign'),
      queryGroups(deps.db, q, 'network'),
      queryGroups(deps.db, q, 'country'),
    ]);
    const conversions = await dashboardConversions(deps.db, q);
    return c.html(dashboardPage({ range: statsRange(c), result, links, campaigns, networks, countries, conversions, csrfToken: c.get('csrfToken') }));
  });
  app.get('/links/:id/recent', async (c) => {
    const link = await deps.store.find(c.req.param('id'));
    if (!link) return c.html(messagePage('No such link', 'This link does not exist or was deleted.', c.get('csrfToken')), 404);
    return c.html(recentRows(await recentEvents(deps.db, link.id, 15), viewerTimeZone(c)));
  });
  return app;
}
