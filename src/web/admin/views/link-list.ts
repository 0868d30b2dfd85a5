import { html } from 'hono/html';
import type { ListQuery } from '../../../links/link-schemas.ts';
import type { LinkPage } from '../../../links/link-store.ts';
import { trackingUrl } from '../origin.ts';
import { notice, page, type Html } from './layout.ts';
import { copyField } from './link-detail.ts';

export interface ListView {
  result: LinkPage | null;
  query: Partial<ListQuery>;
  origin: string;
  csrfToken: string;
  message?: string | undefined;
  error?: string | undefined;
}

function pageHref(query: Partial<ListQuery>, cursor?: string): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'campaign', 'network'] as const) if (query[key]) params.set(key, query[key]);
  if (cursor) params.set('cursor', cursor);
  const search = params.toString();
  return search ? `/admin/links?${search}` : '/admin/links';
}

function row(link: LinkPage['links'][number], origin: string): Html {
  return html`<tr>
  <td data-label="Slug"><a href="/admin/links/${link.id}">${link.slug}</a></td>
  <td data-label="Campaign">${link.campaign ?? '—'}</td>
  <td data-label="Network">${link.network ?? '—'}</td>
  <td data-label="Tracking URL">${copyField(trackingUrl(origin, link.slug), `url-${link.id}`)}</td>
  <td data-label="Created"><time datetime="${link.createdAt.toISOString()}">${link.createdAt.toISOString().slice(0, 10)}</time></td>
</tr>`;
}

export function listPage(view: ListView): Html {
  const { result, query, origin } = view;
  const filtered = Boolean(query.q || query.campaign || query.network);
  const body = html`<h1>Links${result ? html` <span class="count">${result.total}</span>` : ''}</h1>
${view.message ? notice('ok', view.message) : ''}
${view.error ? notice('error', view.error) : ''}
<form method="get" action="/admin/links" class="filters" role="search">
  <label>Slug contains <input name="q" value="${query.q ?? ''}" type="search" maxlength="64"></label>
  <label>Campaign <input name="campaign" value="${query.campaign ?? ''}" maxlength="256"></label>
  <label>Network <input name="network" value="${query.network ?? ''}" maxlength="256"></label>
  <button type="submit">Search</button>
  ${filtered ? html`<a href="/admin/links">Clear</a>` : ''}
</form>
${result && result.links.length > 0
  ? html`<table class="links">
  <thead><tr><th>Slug</th><th>Campaign</th><th>Network</th><th>Tracking URL</th><th>Created</th></tr></thead>
  <tbody>${result.links.map((link) => row(link, origin))}</tbody>
</table>`
  : html`<p class="empty">${filtered ? 'No link matches.' : html`No links yet. <a href="/admin/links/new">Create the first one</a>.`}</p>`}
<nav class="pages">
  ${query.cursor ? html`<a href="${pageHref(query)}">← Newest</a>` : ''}
  ${result?.nextCursor ? html`<a href="${pageHref(query, result.nextCursor)}" rel="next">Older →</a>` : ''}
</nav>`;
  return page({ title: 'Links', body, csrfToken: view.csrfToken });
}
