import { html } from 'hono/html';
import type { SeriesPoint } from '../../../stats/query.ts';
import type { Html } from './layout.ts';

const W = 720;
const H = 220;
const PAD = { top: 12, right: 8, bottom: 28, left: 40 };

/** Rounds the axis maximum up to 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/** `2026-03-10T14:00` → `10 Mar 14:00` (hourly) or `10 Mar` (daily and longer). */
export function shortLabel(local: string, hourly: boolean): string {
  const [date = '', time = ''] = local.split('T');
  const [, m = '1', d = '1'] = date.split('-');
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(m) - 1];
  return hourly ? `${Number(d)} ${month} ${time}` : `${Number(d)} ${month}`;
}

/**
 * Clicks as bars and impressions as a line, drawn on the server as SVG: no chart library,
 * no CDN, nothing inline for the CSP to refuse (presentation attributes are not styles).
 * Each bar has a <title>, so hovering or a long press shows its figures without script.
 */
export function statsChart(series: SeriesPoint[], hourly: boolean): Html {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const max = niceMax(Math.max(1, ...series.map((p) => Math.max(p.clicks, p.impressions))));
  const slot = plotW / Math.max(1, series.length);
  const barW = Math.max(1, slot * 0.7);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const bars = series.map((p, i) => {
    const x = PAD.left + i * slot + (slot - barW) / 2;
    const top = y(p.clicks);
    return html`<rect class="bar-clicks" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(PAD.top + plotH - top).toFixed(1)}" fill="#2456d6"><title>${shortLabel(p.local, hourly)}: ${p.clicks} clicks, ${p.impressions} impressions</title></rect>`;
  });
  const hasImpressions = series.some((p) => p.impressions > 0);
  const line = hasImpressions
    ? html`<polyline fill="none" stroke="#e07a16" stroke-width="2" points="${series.map((p, i) => `${(PAD.left + i * slot + slot / 2).toFixed(1)},${y(p.impressions).toFixed(1)}`).join(' ')}"></polyline>`
    : '';
  // About six labels, whatever the number of buckets.
  const every = Math.max(1, Math.ceil(series.length / 6));
  const labels = series.map((p, i) =>
    i % every === 0
      ? html`<text x="${(PAD.left + i * slot + slot / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle" font-size="11" fill="#5b6270">${shortLabel(p.local, hourly)}</text>`
      : '',
  );
  const grid = [0, 0.5, 1].map(
    (f) => html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(max * f).toFixed(1)}" y2="${y(max * f).toFixed(1)}" stroke="#d9dce2"></line>
<text x="${PAD.left - 6}" y="${(y(max * f) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#5b6270">${Math.round(max * f)}</text>`,
  );
  return html`<figure class="chart">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Clicks over time">${grid}${bars}${line}${labels}</svg>
<figcaption><span class="key clicks"></span> clicks${hasImpressions ? html` <span class="key impressions"></span> impressions` : ''}</figcaption>
</figure>`;
}
