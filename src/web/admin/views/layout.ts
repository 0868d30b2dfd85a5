import { html } from 'hono/html';

export type Html = ReturnType<typeof html>;

export interface PageOptions {
  title: string;
  body: Html;
  /** Present when signed in: the sign-out form needs it. */
  csrfToken?: string | undefined;
}

/** Every admin page: one stylesheet and one script from /admin/assets, nothing inline (CSP). */
export function page({ title, body, csrfToken }: PageOptions): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Campaign links</title>
<link rel="stylesheet" href="/admin/assets/admin.css">
<script src="/admin/assets/admin.js" defer></script>
<link rel="stylesheet" href="/admin/assets/stats.css">
<script src="/admin/assets/stats.js" defer></script>
</head>
<body>
<header class="bar">
  <a class="brand" href="/admin/links">Campaign links</a>
  ${csrfToken
    ? html`<nav aria-label="Account">
    <a href="/admin/dashboard">Dashboard</a>
    <a href="/admin/write-keys">Write keys</a>
    <a href="/admin/links/new" class="button">New link</a>
    <form method="post" action="/admin/logout" class="inline">
      <input type="hidden" name="_csrf" value="${csrfToken}">
      <button type="submit" class="link">Sign out</button>
    </form>
  </nav>`
    : ''}
</header>
<main>
${body}
</main>
</body>
</html>`;
}

export function notice(kind: 'ok' | 'warn' | 'error', content: Html | string): Html {
  return html`<div class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${content}</div>`;
}

/** A page with one message: not configured, expired form, no such link. */
export function messagePage(heading: string, message: string, csrfToken?: string): Html {
  return page({ title: heading, body: html`<section class="narrow"><h1>${heading}</h1>${notice('error', message)}<p><a href="/admin/links">All links</a></p></section>`, csrfToken });
}
