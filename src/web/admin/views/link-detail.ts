import { html, raw } from 'hono/html';
import type { TargetWarning } from '../../../links/link-schemas.ts';
import type { LinkRecord } from '../../../links/link-store.ts';
import { notice, page, type Html } from './layout.ts';

export interface DetailView {
  link: LinkRecord;
  trackingUrl: string;
  /** SVG markup made by the qrcode package from the tracking URL. */
  qrSvg: string;
  warnings: TargetWarning[];
  csrfToken: string;
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
<dl class="fields">
  ${targets}
  ${item('Campaign', link.campaign)}
  ${item('Ad group', link.adgroup)}
  ${item('Ad', link.ad)}
  ${item('Network', link.network)}
  ${item('Attribution window, advertising id', `${link.attributionWindowIdfa} min`)}
  ${item('Attribution window, fingerprint', `${link.attributionWindowFingerprint} min`)}
  ${item('Store parameters', link.storeParams ? 'added' : 'off')}
  ${item('App Store campaign token (ct)', link.appStoreCampaignToken)}
  ${item('App Store provider token (pt)', link.appStoreProviderToken)}
  ${item("Pass visitor's query on", link.forwardQuery ? 'yes' : 'no')}
  ${item('Campaign URL', link.campaignUrl)}
  ${item('Country', link.country)}
  ${item('Device', link.device)}
  ${item('Owner', link.userId)}
  ${item('Id', link.id)}
  ${item('Created', link.createdAt.toISOString())}
  ${item('Updated', link.updatedAt.toISOString())}
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
