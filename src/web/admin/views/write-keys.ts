import { html } from 'hono/html';
import type { WriteKeyRecord } from '../../../write-keys/write-key.ts';
import { WRITE_KEY_PLATFORMS } from '../../../write-keys/write-key-schemas.ts';
import { moment } from './format.ts';
import { notice, page, type Html } from './layout.ts';

export interface WriteKeysView {
  keys: WriteKeyRecord[];
  csrfToken: string;
  /** The key just created: on this page only, never again. */
  created?: { record: WriteKeyRecord; key: string } | undefined;
  revoked?: WriteKeyRecord | undefined;
  /** The form's refusal and what was typed, shown again. */
  error?: string | undefined;
  values?: { name?: string; platform?: string } | undefined;
}

const PLATFORM_LABELS: Record<string, string> = { ios: 'iOS', android: 'Android', web: 'Web', server: 'Server' };

function createdNotice(created: { record: WriteKeyRecord; key: string }): Html {
  return notice(
    'ok',
    html`<p><strong>Write key for ${created.record.name}.</strong> Copy it now: it is shown this once and cannot be shown again (only its hash is kept).</p>
<span class="copy-field"><input id="new-write-key" value="${created.key}" readonly aria-label="New write key"><button type="button" class="copy" data-copy="new-write-key">Copy</button></span>`,
  );
}

function keyRow(key: WriteKeyRecord, csrfToken: string): Html {
  return html`<tr>
  <td data-label="App">${key.name}</td>
  <td data-label="Platform">${PLATFORM_LABELS[key.platform] ?? key.platform}</td>
  <td data-label="Key"><code>${key.keyPrefix}…</code></td>
  <td data-label="Created">${moment(key.createdAt, 'date')}</td>
  <td data-label="">${key.revokedAt
    ? html`Revoked ${moment(key.revokedAt, 'date')}`
    : html`<form method="post" action="/admin/write-keys/${key.id}/revoke" class="inline" data-confirm="Revoke the write key of ${key.name}? Apps that send with it are refused from then on.">
    <input type="hidden" name="_csrf" value="${csrfToken}">
    <button type="submit" class="danger">Revoke</button>
  </form>`}</td>
</tr>`;
}

/** `/admin/write-keys`: the apps that may send events, a form for a new key, revoke buttons. */
export function writeKeysPage(view: WriteKeysView): Html {
  const { keys, csrfToken } = view;
  const platform = view.values?.platform ?? 'ios';
  const body = html`<h1>Write keys <span class="count">${keys.length}</span></h1>
${view.created ? createdNotice(view.created) : ''}
${view.revoked ? notice('ok', `Revoked the write key of ${view.revoked.name}. Events sent with it are refused.`) : ''}
${view.error ? notice('error', view.error) : ''}
<p class="hint">An app or a server sends installs, purchases and its own events to <code>/v1/track</code> and <code>/v1/batch</code> with a write key. A write key can send events and nothing else.</p>
<form method="post" action="/admin/write-keys" class="filters">
  <input type="hidden" name="_csrf" value="${csrfToken}">
  <label>App name <input name="name" value="${view.values?.name ?? ''}" maxlength="128" required></label>
  <label>Platform <select name="platform">${WRITE_KEY_PLATFORMS.map((p) => html`<option value="${p}" ${p === platform ? 'selected' : ''}>${PLATFORM_LABELS[p]}</option>`)}</select></label>
  <button type="submit">Create write key</button>
</form>
${keys.length > 0
  ? html`<table class="links">
  <thead><tr>${['App', 'Platform', 'Key', 'Created', ''].map((c) => html`<th>${c}</th>`)}</tr></thead>
  <tbody>${keys.map((key) => keyRow(key, csrfToken))}</tbody>
</table>`
  : html`<p class="empty">No write keys yet.</p>`}`;
  return page({ title: 'Write keys', body, csrfToken });
}
