import { html } from 'hono/html';
import type { GroupRow, StatsResult } from '../../../stats/query.ts';
import { RANGES, type StatsRange } from '../stats-range.ts';
import type { Html } from './layout.ts';
import { statsChart } from './stats-chart.ts';

export interface RecentEvent {
  at: string;
  kind: number;
  bot: boolean;
  platform: string;
  country: string;
  device: string;
}

export const BREAKDOWNS = [
  ['platform', 'Platform'],
  ['country', 'Country'],
  ['device', 'Device'],
  ['os', 'OS'],
  ['browser', 'Browser'],
  ['referrer', 'Referrer'],
] as const;

const number = new Intl.NumberFormat('en-US');

/** Wall-clock time in the viewer's zone, e.g. `10 Mar, 14:05:09`. */
export function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export function rangeNav(base: string, range: StatsRange): Html {
  const sep = base.includes('?') ? '&' : '?';
  return html`<nav class="ranges" aria-label="Period">
  ${RANGES.map((r) => html`<a href="${base}${sep}range=${r}"${r === range.name ? html` aria-current="page"` : ''}>${r}</a>`)}
  <form method="get" action="${base.split('?')[0]}" class="custom-range">
    <label>From <input type="date" name="from" value="${range.fromText}" required></label>
    <label>To <input type="date" name="to" value="${range.toText}" required></label>
    <button type="submit">Show</button>
  </form>
</nav>`;
}

export function totalsBlock(result: StatsResult): Html {
  const { clicks, impressions, bot_clicks: bots, unique_visitors: visitors } = result.totals;
  const share = clicks + bots === 0 ? 0 : (bots / (clicks + bots)) * 100;
  return html`<dl class="totals">
  <div><dt>Clicks</dt><dd data-total="clicks">${number.format(clicks)}</dd></div>
  <div><dt>Unique visitors</dt><dd>${visitors === null ? html`— <span class="hint">(counted per link)</span>` : number.format(visitors)}</dd></div>
  <div><dt>Impressions</dt><dd>${number.format(impressions)}</dd></div>
  <div><dt>Bot share</dt><dd>${share.toFixed(share > 0 && share < 10 ? 1 : 0)}% <span class="hint">(${number.format(bots)} bot clicks, not counted above)</span></dd></div>
</dl>`;
}

export function breakdownTable(title: string, rows: GroupRow[], empty = '(none)'): Html {
  const max = Math.max(1, ...rows.map((r) => r.clicks));
  return html`<section class="breakdown">
  <h3>${title}</h3>
  ${rows.length === 0
    ? html`<p class="empty">No clicks.</p>`
    : html`<table>${rows.map(
        (r) => html`<tr><th scope="row">${r.label ?? (r.value || empty)}</th><td class="num">${number.format(r.clicks)}</td><td class="meter"><meter min="0" max="${max}" value="${r.clicks}"></meter></td></tr>`,
      )}</table>`}
</section>`;
}

export function recentPanel(events: RecentEvent[], timeZone: string, source: string): Html {
  return html`<section class="recent" data-refresh="${source}" aria-live="polite">
  <h2>Recent clicks <span class="hint">(updates every few seconds; times in ${timeZone})</span></h2>
  ${recentRows(events, timeZone)}
</section>`;
}

/** The panel's body, also served alone for the refresh. Never an address. */
export function recentRows(events: RecentEvent[], timeZone: string): Html {
  if (events.length === 0) return html`<p class="empty" id="recent-rows">No clicks yet. Open the tracking URL and yours shows up here.</p>`;
  return html`<table class="recent-rows" id="recent-rows">
  <thead><tr><th>Time</th><th>Kind</th><th>Country</th><th>Platform</th><th>Device</th><th>Bot</th></tr></thead>
  <tbody>${events.map(
    (e) => html`<tr><td>${localTime(e.at, timeZone)}</td><td>${e.kind === 1 ? 'click' : 'impression'}</td><td>${e.country || '—'}</td><td>${e.platform || '—'}</td><td>${e.device || '—'}</td><td>${e.bot ? 'bot' : ''}</td></tr>`,
  )}</tbody>
</table>`;
}

export interface LinkStatsView {
  linkId: number;
  range: StatsRange;
  result: StatsResult;
  breakdowns: Record<(typeof BREAKDOWNS)[number][0], GroupRow[]>;
  recent: RecentEvent[];
}

/** The statistics part of a link's page. */
export function linkStatsSection(view: LinkStatsView): Html {
  const base = `/admin/links/${view.linkId}`;
  return html`<section class="stats" id="stats">
  <h2>Statistics <span class="hint">(times in ${view.range.timezone})</span></h2>
  ${rangeNav(base, view.range)}
  ${totalsBlock(view.result)}
  ${statsChart(view.result.series, view.range.interval === 'hour')}
  <div class="breakdowns">${BREAKDOWNS.map(([dim, title]) => breakdownTable(title, view.breakdowns[dim], dim === 'referrer' ? '(direct or hidden)' : '(unknown)'))}</div>
  <p class="hint"><a href="/api/v1/stats?link=${view.linkId}&amp;format=csv">CSV</a> through the API (with the API key).</p>
</section>
${recentPanel(view.recent, view.range.timezone, `${base}/recent`)}`;
}
