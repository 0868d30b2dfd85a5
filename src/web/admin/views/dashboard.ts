import { html } from 'hono/html';
import type { GroupRow, StatsResult } from '../../../stats/query.ts';
import type { StatsRange } from '../stats-range.ts';
import { page, type Html } from './layout.ts';
import { statsChart } from './stats-chart.ts';
import { breakdownTable, rangeNav, totalsBlock } from './stats-section.ts';

export interface DashboardView {
  range: StatsRange;
  result: StatsResult;
  links: GroupRow[];
  campaigns: GroupRow[];
  networks: GroupRow[];
  countries: GroupRow[];
  /** Installs, purchases and other app events (conversions-panel.ts). */
  conversions?: Html;
  csrfToken: string;
}

function linkTable(rows: GroupRow[]): Html {
  const linked = rows.map((r) => ({ ...r, label: r.label ?? `#${r.value}` }));
  return html`<section class="breakdown">
  <h3>Top links</h3>
  ${linked.length === 0
    ? html`<p class="empty">No clicks.</p>`
    : html`<table>${linked.map((r) => html`<tr><th scope="row"><a href="/admin/links/${r.value}">${r.label}</a></th><td class="num">${r.clicks}</td></tr>`)}</table>`}
</section>`;
}

/** All links over a period: totals, the chart, and the top links, campaigns, networks and countries. */
export function dashboardPage(view: DashboardView): Html {
  const body = html`<h1>Dashboard <span class="count">times in ${view.range.timezone}</span></h1>
${rangeNav('/admin/dashboard', view.range)}
${totalsBlock(view.result)}
${statsChart(view.result.series, view.range.interval === 'hour')}
<div class="breakdowns">
  ${linkTable(view.links)}
  ${breakdownTable('Top campaigns', view.campaigns)}
  ${breakdownTable('Top networks', view.networks)}
  ${breakdownTable('Top countries', view.countries)}
</div>
${view.conversions ?? ''}`;
  return page({ title: 'Dashboard', body, csrfToken: view.csrfToken });
}
