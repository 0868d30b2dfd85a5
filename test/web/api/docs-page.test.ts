import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../support/chromium.ts';
import type { LinkStore } from '../../../src/links/link-store.ts';
import { createApiApp } from '../../../src/web/api/index.ts';
import { SCALAR_SHA256, vendoredScalarSha256 } from '../../../src/web/api/docs/docs-route.ts';
import { silentLogger } from '../../support/fixtures.ts';
import { explainParts } from './api-client.ts';


// The reference page reads only the OpenAPI document: no store is touched.
const app = createApiApp({ linkStore: {} as LinkStore, apiKey: 'k', logger: silentLogger, ...explainParts });

describe('/api/v1/docs', () => {
  it('serves its script from this origin, pinned, under a CSP without inline script', async () => {
    const res = await app.request('/docs');
    const html = await res.text();
    expect(html).toContain('<a href="openapi.json">openapi.json</a>');
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) expect(attrs).toMatch(/^ src="docs\/[a-z0-9.-]+\.js"$/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("connect-src 'self'");
    expect(vendoredScalarSha256()).toBe(SCALAR_SHA256);
    const script = await app.request(html.match(/src="(docs\/scalar-[^"]+)"/)![1]!.replace(/^/, '/'), { headers: { 'accept-encoding': 'gzip' } });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-encoding')).toBe('gzip');
  });

  describe('in a browser without internet', () => {
    let server: ServerType;
    let browser: Browser;
    let base: string;
    beforeAll(async () => {
      server = await new Promise<ServerType>((resolve) => {
        const s = serve({ fetch: (req) => app.fetch(new Request(req.url.replace(/\/api\/v1/, ''), req)), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      server?.close();
    });

    it('shows the operations, with nothing loaded from elsewhere and no CSP violation', async () => {
      const page = await browser.newPage();
      const elsewhere: string[] = [];
      const violations: string[] = [];
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(base) || url.startsWith('data:')) return route.continue();
        elsewhere.push(url);
        return route.abort();
      });
      page.on('console', (m) => {
        if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${base}/api/v1/docs`);
      await page.getByText('Create a link').first().waitFor({ state: 'visible', timeout: 30_000 });
      expect(await page.getByRole('link', { name: 'openapi.json' }).first().getAttribute('href')).toBe('openapi.json');
      expect(violations).toEqual([]);
      expect(elsewhere).toEqual([]);
    }, 60_000);
  });
});
