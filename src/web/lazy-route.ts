import { type Context, Hono } from 'hono';

/**
 * Mounts a sub-app under `base` that is imported on its first request. The admin UI and the
 * API are most of the web process's code (about 16 MB of its idle RSS, measured) and a
 * process that only redirects clicks never serves them; the first request to one waits for
 * the import once. `finish` gives the sub-app the parent's not-found and error answers.
 */
/** Any Hono app `route` takes, whatever its env and schema. */
type SubApp = Parameters<Hono['route']>[1];

export function lazyRoute(app: Hono, base: string, load: () => Promise<SubApp>, finish: (sub: Hono) => Hono): void {
  let loaded: Promise<Hono> | undefined;
  const mounted = () =>
    (loaded ??= load().then(
      (sub) => finish(new Hono().route(base, sub)),
      (err: unknown) => {
        // A failed import (a broken deploy) is tried again by the next request.
        loaded = undefined;
        throw err;
      },
    ));
  const handler = async (c: Context) => (await mounted()).fetch(c.req.raw, c.env);
  app.all(base, handler);
  app.all(`${base}/*`, handler);
}
