import type { Hono } from 'hono';

export const ORIGIN = 'http://localhost';

export interface Page {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

/** A browser stand-in for `app.request`: keeps the session cookie, sends Origin on posts. */
export function adminClient(app: Hono, origin = ORIGIN) {
  let cookie = '';
  const request = async (method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> => {
    const init: RequestInit = { method, headers: { ...(cookie ? { cookie } : {}), ...headers } };
    if (form) {
      init.body = new URLSearchParams(form).toString();
      Object.assign(init.headers as Record<string, string>, { 'content-type': 'application/x-www-form-urlencoded', origin, ...headers });
    }
    const res = await app.request(`${origin}${path}`, init);
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) cookie = /Max-Age=0/i.test(setCookie) ? '' : setCookie.split(';')[0]!;
    return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get('location') };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => request('GET', path, undefined, headers),
    post: (path: string, form: Record<string, string>, headers?: Record<string, string>) => request('POST', path, form, headers),
    cookie: () => cookie,
    setCookie: (value: string) => (cookie = value),
    async signIn(apiKey: string) {
      const res = await request('POST', '/admin/login', { api_key: apiKey });
      if (res.status !== 303) throw new Error(`sign-in failed: ${res.status} ${res.html}`);
      return res;
    },
  };
}

/** The CSRF token a page's forms carry. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

export function decodeEntities(html: string): string {
  return html.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
