import { html } from 'hono/html';
import { notice, page, type Html } from './layout.ts';

export function loginPage(error?: string): Html {
  return page({
    title: 'Sign in',
    body: html`<section class="narrow">
  <h1>Sign in</h1>
  ${error ? notice('error', error) : ''}
  <form method="post" action="/admin/login" class="stack">
    <label for="api_key">API key</label>
    <input id="api_key" name="api_key" type="password" autocomplete="current-password" required autofocus>
    <button type="submit">Sign in</button>
  </form>
  <p class="hint">The <code>API_KEY</code> setting of this server. You stay signed in for 12 hours.</p>
</section>`,
  });
}
