import { html, raw } from 'hono/html';
import type { TargetWarning } from '../../../links/link-schemas.ts';
import { LINK_FIELD_NAMES, LINK_FIELDS, type LinkFieldSpec } from '../../../links/link-fields.ts';
import type { LinkRecord } from '../../../links/link.ts';
import { moment, windowText } from './format.ts';
import { notice, page, type Html } from './layout.ts';

export interface DetailView {
  link: LinkRecord;
  trackingUrl: string;
  /** SVG markup made by the qrcode package from the tracking URL. */
  qrSvg: string;
  warnings: TargetWarning[];
  csrfToken: string;
  /** Chart, breakdowns and recent clicks (see stats-section.ts). */
  statsSection?: Html | undefined;
  /** What the last action did, shown above the link. */
  message?: string | undefined;
}

/** A read-only field with a copy button (admin.js); the field stays selectable without JS. */
export function copyField(value: string, id: string): Html {
  return html`<span class="copy-field"><input id="${id}" value="${value}" readonly aria-label="Tracking URL"><button type="button" class="copy" data-copy="${id}">Copy</button></span>`;
}

const PLATFORM_LABELS = { ios: 'iOS', android: 'Android', default: 'Everyone else' } as const;

export function warningList(warnings: TargetWarning[]): Html | string {
  if (warnings.length === 0) return '';
  return notice('warn', html`<strong>Saved, but check:</strong><ul>${warnings.map((w) => html`<li>${w.field} ${w.message}</li>`)}</ul>`);
}

function item(label: string, value: string | number | null | undefined | Html): Html {
  return html`<dt>${label}</dt><dd>${value === null || value === undefined || value === '' ? '—' : value}</dd>`;
}

/** Every plain field of link-fields.ts, as the person reads it. */
function fieldItems(link: LinkRecord): Html[] {
  return LINK_FIELD_NAMES.map((name) => {
    const spec: LinkFieldSpec = LINK_FIELDS[name];
    const value = link[spec.column];
    if (spec.kind === 'minutes') return item(spec.label.replace(' (minutes)', ''), windowText(value as number));
    if (spec.kind === 'boolean') return item(spec.label, value ? 'yes' : 'no');
    return item(spec.label, value as string | null);
  });
}

export function detailPage(view: DetailView): Html {
  const { link } = view;
  const targets = (['ios', 'android', 'default'] as const).map((p) =>
    item(`${PLATFORM_LABELS[p]} target`, link.targets[p] ? html`<a href="${link.targets[p]}" rel="noreferrer" class="url">${link.targets[p]}</a>` : null),
  );
  const body = html`<h1>${link.slug}</h1>
${view.message ? notice('ok', view.message) : ''}
${warningList(view.warnings)}
<section class="share">
  <div>
    <h2>Tracking URL</h2>
    ${copyField(view.trackingUrl, 'tracking-url')}
    <p class="hint">Put this URL in ads. Each visit is counted and sent to the target for the visitor's platform.</p>
  </div>
  <figure class="qr">
    ${raw(view.qrSvg)}
    <figcaption><a href="/admin/links/${link.id}/qr.svg" download="${link.slug}.svg">Download QR code (SVG)</a></figcaption>
  </figure>
</section>
${view.statsSection ?? ''}
<dl class="fields">
  ${targets}
  ${fieldItems(link)}
  ${item('Id', link.id)}
  ${item('Created', moment(link.createdAt, 'datetime'))}
  ${item('Updated', moment(link.updatedAt, 'datetime'))}
</dl>
<div class="actions">
  <a class="button" href="/admin/links/${link.id}/edit">Edit</a>
  <a class="button" href="/admin/links/${link.id}/rules">Rules and schedule${link.rules?.length ? ` (${link.rules.length})` : ''}</a>
  <form method="post" action="/admin/links/${link.id}/delete" class="inline" data-confirm="Delete ${link.slug}? Its tracking URL stops working until the link is restored from Deleted links.">
    <input type="hidden" name="_csrf" value="${view.csrfToken}">
    <button type="submit" class="danger">Delete</button>
  </form>
</div>`;
  return page({ title: link.slug, body, csrfToken: view.csrfToken });
}
