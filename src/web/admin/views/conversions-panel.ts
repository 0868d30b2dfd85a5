import { html } from 'hono/html';
import type { ConversionGroup, ConversionResult, DelayHistogram } from '../../../stats/conversion-query.ts';
import type { Html } from './layout.ts';
import { localTime } from './stats-section.ts';

export interface RecentConversion {
  at: string;
  event: string;
  match: string;
  revenue: string | null;
  currency: string | null;
  platform: string;
  country: string;
}

const number = new Intl.NumberFormat('en-US');
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)}%`);

function eventsTable(result: ConversionResult): Html {
  const rows = result.totals.by_event;
  const max = Math.max(1, ...rows.map((r) => r.conversions));
  const clicks = result.totals.clicks;
  return html`<section class="breakdown">
  <h3>By event <span class="hint">(count, rate over human clicks)</span></h3>
  ${rows.length === 0
    ? html`<p class="empty">No conversions.</p>`
    : html`<table>${rows.map(
        (r) =>
          html`<tr data-event="${r.event}"><th scope="row">${r.event}</th><td class="num" data-count="${r.conversions}">${number.format(r.conversions)}</td><td class="num" title="attributed / human clicks">${percent(clicks === 0 ? null : r.attributed / clicks)}</td><td class="meter"><meter min="0" max="${max}" value="${r.conversions}"></meter></td></tr>`,
      )}</table>`}
</section>`;
}

function revenueTable(result: ConversionResult): Html {
  return html`<section class="breakdown">
  <h3>Revenue</h3>
  ${result.totals.revenue.length === 0
    ? html`<p class="empty">No revenue.</p>`
    : html`<table>${result.totals.revenue.map((r) => html`<tr><th scope="row">${r.currency}</th><td class="num" data-revenue="${r.currency}">${r.amount}</td></tr>`)}</table>`}
</section>`;
}

/** Click-to-install time per network: a spike under 10 s hints at click injection, a flat spread at click flooding. */
export function delayTable(delays: DelayHistogram[]): Html {
  return html`<section class="breakdown delays">
  <h3>Click to install time <span class="hint">(per network)</span></h3>
  ${delays.length === 0
    ? html`<p class="empty">No attributed installs.</p>`
    : delays.slice(0, 4).map((d) => {
        const max = Math.max(1, ...d.buckets.map((b) => b.count));
        return html`<table aria-label="Click to install time, ${d.network || '(no network)'}"><caption>${d.network || '(no network)'}: ${number.format(d.total)}</caption>${d.buckets.map(
          (b) => html`<tr><th scope="row">${b.bucket}</th><td class="num">${number.format(b.count)}</td><td class="meter"><meter min="0" max="${max}" value="${b.count}"></meter></td></tr>`,
        )}</table>`;
      })}
</section>`;
}

function totals(result: ConversionResult): Html {
  const t = result.totals;
  return html`<dl class="totals">
  <div><dt>Conversions</dt><dd data-total="conversions">${number.format(t.conversions)}</dd></div>
  <div><dt>Conversion rate</dt><dd data-total="conversion-rate">${percent(t.conversion_rate)} <span class="hint">(attributed / ${number.format(t.clicks)} human clicks)</span></dd></div>
  <div><dt>Attributed</dt><dd>${number.format(t.conversions - t.organic)}</dd></div>
  <div><dt>Organic</dt><dd>${number.format(t.organic)} <span class="hint">(no click found)</span></dd></div>
</dl>`;
}

function recentTable(events: RecentConversion[], timeZone: string): Html {
  if (events.length === 0) return html`<p class="empty">No conversions yet.</p>`;
  return html`<table class="recent-rows">
  <thead><tr><th>Time</th><th>Event</th><th>Matched by</th><th>Revenue</th><th>Platform</th><th>Country</th></tr></thead>
  <tbody>${events.map(
    (e) => html`<tr><td>${localTime(e.at, timeZone)}</td><td>${e.event}</td><td>${e.match.replace('_', ' ')}</td><td>${e.revenue === null ? '—' : `${e.revenue} ${e.currency ?? ''}`}</td><td>${e.platform || '—'}</td><td>${e.country || '—'}</td></tr>`,
  )}</tbody>
</table>`;
}

/** A link page's conversions: totals, by event, revenue, click-to-install times and the latest ones. */
export function linkConversionsPanel(view: { linkId: number; result: ConversionResult; installs: DelayHistogram[]; recent: RecentConversion[]; timeZone: string }): Html {
  return html`<section class="conversions" id="conversions">
  <h2>Conversions <span class="hint">(installs, purchases and other app events tied to this link's clicks)</span></h2>
  ${totals(view.result)}
  <div class="breakdowns">${eventsTable(view.result)}${revenueTable(view.result)}${delayTable(view.installs)}</div>
  <h3>Recent conversions</h3>
  <div class="recent-conversions">${recentTable(view.recent, view.timeZone)}</div>
  <p class="hint"><a href="/api/v1/stats?metric=conversions&amp;link=${view.linkId}&amp;format=csv">CSV</a> through the API (with the API key).</p>
</section>`;
}

function groupTable(title: string, rows: ConversionGroup[], link = false): Html {
  return html`<section class="breakdown">
  <h3>${title}</h3>
  ${rows.length === 0
    ? html`<p class="empty">No conversions.</p>`
    : html`<table>${rows.map((r) => {
        const name = r.label ?? (r.value || '(none)');
        return html`<tr><th scope="row">${link ? html`<a href="/admin/links/${r.value}">${name}</a>` : name}</th><td class="num">${number.format(r.conversions)}</td><td class="num">${percent(r.conversion_rate)}</td></tr>`;
      })}</table>`}
</section>`;
}

/** The dashboard's conversions: totals, by event, revenue, top campaigns and networks, click-to-install times. */
export function dashboardConversionsPanel(view: { result: ConversionResult; installs: DelayHistogram[]; campaigns: ConversionGroup[]; networks: ConversionGroup[]; links: ConversionGroup[] }): Html {
  return html`<section class="conversions" id="conversions">
  <h2>Conversions</h2>
  ${totals(view.result)}
  <div class="breakdowns">
    ${eventsTable(view.result)}
    ${revenueTable(view.result)}
    ${groupTable('Links by conversions', view.links, true)}
    ${groupTable('Campaigns by conversions', view.campaigns)}
    ${groupTable('Networks by conversions', view.networks)}
    ${delayTable(view.installs)}
  </div>
</section>`;
}
