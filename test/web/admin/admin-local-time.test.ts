import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../support/chromium.ts';
import { humanMinutes, windowText } from '../../../src/web/admin/views/format.ts';
import { TARGETS, uniqueSlug } from '../../support/fixtures.ts';
import { startTestRuntime } from '../../support/web-runtime.ts';
import { adminClient } from './admin-client.ts';

const API_KEY = 'local-time-key-0123456789';

describe('admin UI times and durations', () => {
  it.each([
    [10080, '7 days'],
    [1440, '1 day'],
    [90, '1 hour 30 minutes'],
    [1, '1 minute'],
    [0, '0 minutes'],
    [525600, '365 days'],
  ])('says %i minutes as "%s"', (minutes, text) => {
    expect(humanMinutes(minutes)).toBe(text);
  });

  describe('pages', () => {
    let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
    let server: ServerType;
    let browser: Browser;
    let base: string;
    let linkId: number;

    beforeAll(async () => {
      runtime = await startTestRuntime({ API_KEY });
      linkId = await createLink();
      server = await new Promise<ServerType>((resolve) => {
        const s = serve({ fetch: runtime.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      server?.close();
    });

    async function createLink(): Promise<number> {
      const res = await runtime.app.request('/api/v1/links', {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ slug: uniqueSlug('tz'), targets: TARGETS, attribution_window_idfa: 10080, attribution_window_fingerprint: 90 }),
      });
      return ((await res.json()) as { id: number }).id;
    }

    it('labels its navigation and says attribution windows as durations', async () => {
      const client = adminClient(runtime.app);
      await client.signIn(API_KEY);
      const detail = await client.get(`/admin/links/${linkId}`);
      expect(detail.html).toContain(`<dd>${windowText(10080)}</dd>`);
      expect(detail.html).toContain('<dd>7 days (10,080 min)</dd>');
      expect(detail.html).toContain('<dd>1 hour 30 minutes (90 min)</dd>');
      expect(detail.html).toMatch(/<time datetime="[^"]+Z" data-local="datetime"/);
      const list = await client.get('/admin/links');
      const navs = list.html.match(/<nav[^>]*>/g) ?? [];
      expect(navs.length).toBeGreaterThan(0);
      for (const nav of navs) expect(nav).toMatch(/aria-label="[^"]+"/);
    });

    it("shows times in the viewer's time zone", async () => {
      const context = await browser.newContext({ timezoneId: 'Asia/Tokyo', locale: 'en-US' });
      const page = await context.newPage();
      await page.goto(`${base}/admin/login`);
      await page.fill('input[name="api_key"]', API_KEY);
      await Promise.all([page.waitForURL(/\/admin\/links$/), page.click('button[type="submit"]')]);
      await page.goto(`${base}/admin/links/${linkId}`);
      const created = page.locator('time[data-local="datetime"]').first();
      const iso = (await created.getAttribute('datetime'))!;
      const expected = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(iso));
      await expect.poll(() => created.textContent(), { timeout: 10_000 }).toBe(expected);
      await context.close();
    }, 60_000);
  });
});
