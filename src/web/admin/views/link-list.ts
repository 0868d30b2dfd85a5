import { html } from 'hono/html';
import type { ListQuery } from '../../../links/link-schemas.ts';
import type { LinkPage } from '../../../links/link-store.ts';
import { trackingUrl } from '../origin.ts';
import { moment } from './format.ts';
import { notice, page, type Html } from './layout.ts';
import { copyField } from './link-detail.ts';

export interface ListView {
  result: LinkPage | null;
  query: Partial<ListQuery>;
  origin: string;
  csrfToken: string;
  /** The link just deleted: the page offers to undo it (by id, never by slug). */
  removed?: { slug: string; id: string } | undefined;
  error?: string | undefined;
  /** Human clicks per link id, last 24 h and 30 days; unset: no column. */
  counts?: Map<number, { day: number; month: number }> | undefined;
}

type LinkRow = LinkPage['links'][number];

function pageHref(query: Partial<ListQuery>, cursor?: string): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'campaign', 'network', 'deleted'] as const) if (query[key]) params.set(key, query[key]);
  if (cursor) params.set('cursor', cursor);
  const search = params.toString();
  return search ? `/admin/links?${search}` : '/admin/links';
}

function restoreForm(ref: string | number, csrfToken: string, label: string): Html {
  return html`<form method="post" action="/admin/links/${ref}/restore" class="inline">
    <input type="hidden" name="_csrf" value="${csrfToken}">
    <button type="submit">${label}</button>
  </form>`;
}

const day = (date: Date) => moment(date, 'date');

function liveRow(link: LinkRow, origin: string, counts?: Map<number, { day: number; month: number }>): Html {
  const n = counts?.get(link.id) ?? { day: 0, month: 0 };
  return html`<tr>
  <td data-label="Slug"><a href="/admin/links/${link.id}">${link.slug}</a></td>
  ${counts ? html`<td data-label="Clicks 24 h / 30 d" class="clicks">${n.day} / ${n.month}</td>` : ''}
  <td data-label="Campaign">${link.campaign ?? '—'}</td>
  <td data-label="Network">${link.network ?? '—'}</td>
  <td data-label="Tracking URL">${copyField(trackingUrl(origin, link.slug), `url-${link.id}`)}</td>
  <td data-label="Created">${day(link.createdAt)}</td>
</tr>`;
}

// A deleted link has no page of its own; its last change is its deletion.
function deletedRow(link: LinkRow, csrfToken: string): Html {
  return html`<tr>
  <td data-label="Slug">${link.slug}</td>
  <td data-label="Campaign">${link.campaign ?? '—'}</td>
  <td data-label="Network">${link.network ?? '—'}</td>
  <td data-label="Deleted">${day(link.updatedAt)}</td>
  <td data-label="">${restoreForm(link.id, csrfToken, 'Restore')}</td>
</tr>`;
}

export function listPage(view: ListView): Html {
  const { result, query, origin, csrfToken } = view;
  const deleted = query.deleted === 'true';
  const filtered = Boolean(query.q || query.campaign || query.network);
  const clear = deleted ? '/admin/links?deleted=true' : '/admin/links';
  const columns = deleted
    ? ['Slug', 'Campaign', 'Network', 'Deleted', '']
    : ['Slug', ...(view.counts ? ['Clicks 24 h / 30 d'] : []), 'Campaign', 'Network', 'Tracking URL', 'Created'];
  const empty = filtered ? 'No link matches.' : deleted ? 'No deleted links.' : html`No links yet. <a href="/admin/links/new">Create the first one</a>.`;
  const body = html`<h1>${deleted ? 'Deleted links' : 'Links'}${result ? html` <span class="count">${result.total}</span>` : ''}</h1>
${view.removed ? notice('ok', html`Deleted ${view.removed.slug}. ${restoreForm(view.removed.id, csrfToken, 'Undo')}`) : ''}
${view.error ? notice('error', view.error) : ''}
<form method="get" action="/admin/links" class="filters" role="search">
  ${deleted ? html`<input type="hidden" name="deleted" value="true">` : ''}
  <label>Slug contains <input name="q" value="${query.q ?? ''}" type="search" maxlength="64"></label>
  <label>Campaign <input name="campaign" value="${query.campaign ?? ''}" maxlength="256"></label>
  <label>Network <input name="network" value="${query.network ?? ''}" maxlength="256"></label>
  <button type="submit">Search</button>
  ${filtered ? html`<a href="${clear}">Clear</a>` : ''}
</form>
${result && result.links.length > 0
  ? html`<table class="links">
  <thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
  <tbody>${result.links.map((link) => (deleted ? deletedRow(link, csrfToken) : liveRow(link, origin, view.counts)))}</tbody>
</table>`
  : html`<p class="empty">${empty}</p>`}
<nav class="pages" aria-label="Pages">
  ${query.cursor ? html`<a href="${pageHref(query)}">← Newest</a>` : ''}
  ${result?.nextCursor ? html`<a href="${pageHref(query, result.nextCursor)}" rel="next">Older →</a>` : ''}
</nav>
<p class="hint">${deleted ? html`<a href="/admin/links">← Links</a>` : html`<a href="/admin/links?deleted=true">Deleted links</a> can be restored.`}</p>`;
  return page({ title: deleted ? 'Deleted links' : 'Links', body, csrfToken });
}
