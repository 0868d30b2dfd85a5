import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** The vendored bundle (see VENDORED.md); its hash pins exactly what we serve. */
export const SCALAR_VERSION = '1.76.0';
export const SCALAR_SHA256 = 'dcb027152bf20bf2f6dcd66e8f9fb073c1a9e274cf0b94b939a7d99ab8947060';

const file = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url));
// A view of the same memory: the bundle is 4.8 MB, not to be copied per request.
const bytes = (buffer: Buffer) => new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);

// Everything from this origin: the page works offline, and nothing on it loads a script
// from elsewhere. Scalar's components set inline styles, which style-src must allow.
const docsHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
    formAction: ["'none'"],
  },
  referrerPolicy: 'no-referrer',
});

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Campaign links API</title>
</head>
<body>
<p style="margin:0;padding:.5rem 1rem;font:14px system-ui,sans-serif">The OpenAPI document: <a href="openapi.json">openapi.json</a></p>
<noscript>This page needs JavaScript; the document itself is <a href="openapi.json">openapi.json</a>.</noscript>
<div id="app"></div>
<script src="docs/scalar-${SCALAR_VERSION}.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

/** `/docs`: the API reference page, its script served from here, pinned (no CDN). */
export function createDocsRoute(): Hono {
  const scalar = file('scalar-api-reference.js');
  const init = file('init.js');
  let gzipped: Buffer | undefined;
  const app = new Hono();
  app.use('/docs', docsHeaders);
  app.use('/docs/*', docsHeaders);
  app.get('/docs', (c) => c.html(PAGE));
  app.get(`/docs/scalar-${SCALAR_VERSION}.js`, (c) => {
    c.header('content-type', 'text/javascript; charset=utf-8');
    // The name carries the version, so a browser may keep it for good.
    c.header('cache-control', 'public, max-age=31536000, immutable');
    c.header('vary', 'accept-encoding');
    if (!/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) return c.body(bytes(scalar));
    // 4.8 MB, 1.4 MB gzipped: compressed once, on the first request that wants it.
    gzipped ??= gzipSync(scalar);
    c.header('content-encoding', 'gzip');
    return c.body(bytes(gzipped));
  });
  app.get('/docs/init.js', (c) => c.body(bytes(init), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
  return app;
}

/** For the test that pins the vendored file. */
export function vendoredScalarSha256(): string {
  return createHash('sha256').update(file('scalar-api-reference.js')).digest('hex');
}
