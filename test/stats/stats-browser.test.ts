import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageProblems, launchChromium, SCREENSHOTS, signInToAdmin } from '../support/chromium.ts';
import { createDb } from '../../src/db/client.ts';
import { foldEvents } from '../../src/stats/fold.ts';
import { insertLink, testDatabaseUrl, testRedisUrl, testSql, uniqueKey } from '../support/fixtures.ts';
import { startWebProcess, type RunningProcess } from '../support/processes.ts';
import { statsEvent } from './support.ts';

const API_KEY = 'stats-browser-key-0123456789';
const client = testSql();
const db = createDb(client);

describe('link statistics in a real browser', () => {
  let web: RunningProcess & { url: string };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let linkId: number;
  let problems: string[] = [];

  beforeAll(async () => {
    const link = await insertLink(client, { campaign: 'browser-stats', network: 'tiktok' });
    linkId = link.id;
    // A month of clicks with some variety, as the stats consumer would have folded them.
    const now = Math.floor(Date.now() / 1000);
    const countries = ['US', 'DE', 'JP', 'BR', null];
    const platforms = ['ios', 'android', 'web'];
    const events = Array.from({ length: 400 }, (_, i) =>
      statsEvent({
        linkId,
        ts: now - Math.floor((i * i * 37) % (29 * 86_400)) - 60,
        country: countries[i % 5] as string | null,
        platform: platforms[i % 3] as string,
        device: i % 4 === 0 ? 'tablet' : 'smartphone',
        bot: i % 11 === 0,
        type: i % 7 === 0 ? '/t/imp' : '/t/click',
        lookupKey: `v${i % 150}`,
        campaign: 'browser-stats',
        ...(i % 3 === 0 ? { referer: 'news.example.com' } : {}),
      }),
    );
    await foldEvents(db, events);
    web = await startWebProcess({ DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: uniqueKey(), API_KEY });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    problems = collectPageProblems(page);
    await signInToAdmin(page, web.url, API_KEY);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await client.end();
  });

  it('draws the chart, the breakdowns and the totals in the viewer’s time zone', async () => {
    await page.goto(`${web.url}/admin/links/${linkId}`);
    await expect.poll(() => page.locator('.stats h2').textContent()).toContain('Asia/Tokyo');
    expect(await page.locator('.chart svg rect.bar-clicks').count()).toBeGreaterThanOrEqual(30);
    const clicks = Number((await page.locator('[data-total="clicks"]').textContent())?.replace(/,/g, ''));
    expect(clicks).toBeGreaterThan(250);
    for (const title of ['Platform', 'Country', 'Device', 'OS', 'Browser', 'Referrer']) {
      expect(await page.locator('.breakdown h3', { hasText: title }).count()).toBe(1);
    }
    expect(await page.locator('.breakdown', { hasText: 'Referrer' }).textContent()).toContain('news.example.com');
    await page.screenshot({ path: `${SCREENSHOTS}stats-link.png`, fullPage: true });
    await page.getByRole('link', { name: '24h' }).click();
    await page.waitForURL(/range=24h/);
    await page.screenshot({ path: `${SCREENSHOTS}stats-link-24h.png`, fullPage: true });
  });

  it('shows a new click in the recent clicks panel within seconds, without its address', async () => {
    await page.goto(`${web.url}/admin/links/${linkId}`);
    const before = await page.locator('#recent-rows tbody tr').count();
    await foldEvents(db, [statsEvent({ linkId, ts: Math.floor(Date.now() / 1000), country: 'NZ', platform: 'android' })]);
    await expect.poll(() => page.locator('#recent-rows tbody tr').first().textContent(), { timeout: 15_000 }).toContain('NZ');
    expect(before).toBeGreaterThan(0);
    expect(await page.locator('.recent').textContent()).not.toContain('198.51.100.7');
  });

  it('lists counts per link and shows the dashboard', async () => {
    await page.goto(`${web.url}/admin/links`);
    expect(await page.locator('td.clicks').first().textContent()).toMatch(/^\s*\d+ \/ \d+\s*$/);
    await page.screenshot({ path: `${SCREENSHOTS}stats-list.png`, fullPage: true });
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL(/\/admin\/dashboard/);
    expect(await page.locator('.breakdown', { hasText: 'Top campaigns' }).textContent()).toContain('browser-stats');
    await page.screenshot({ path: `${SCREENSHOTS}stats-dashboard.png`, fullPage: true });
  });

  it('fits a phone screen', async () => {
    const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, timezoneId: 'Asia/Tokyo', storageState: await context.storageState() });
    try {
      const phone = await phoneContext.newPage();
      collectPageProblems(phone, { into: problems });
      await phone.goto(`${web.url}/admin/links/${linkId}`);
      await expect.poll(() => phone.locator('.stats h2').textContent()).toContain('Asia/Tokyo');
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: `${SCREENSHOTS}stats-phone-link.png`, fullPage: true });
      await phone.goto(`${web.url}/admin/dashboard`);
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: `${SCREENSHOTS}stats-phone-dashboard.png`, fullPage: true });
    } finally {
      await phoneContext.close();
    }
  });

  it('ran without a CSP violation or a console error', () => {
    expect(problems).toEqual([]);
  });
});
