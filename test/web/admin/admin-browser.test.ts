import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageProblems, launchChromium, SCREENSHOTS } from '../../support/chromium.ts';
import { IPHONE_UA, TARGETS, testDatabaseUrl, testRedisUrl, uniqueKey, uniqueSlug } from '../../support/fixtures.ts';
import { startWebProcess, type RunningProcess } from '../../support/processes.ts';
import { makeTestCertificates, type TestCertificates } from '../../support/tls.ts';

const API_KEY = 'browser-test-key-0123456789';

describe('admin UI in a real browser', () => {
  let web: RunningProcess & { url: string };
  let certs: TestCertificates;
  let appStore: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cspViolations: string[] = [];

  beforeAll(async () => {
    web = await startWebProcess({ DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: uniqueKey(), API_KEY });
    // The App Store is outside this machine, and Playwright cannot intercept the hop of a
    // redirect in this Chromium: the browser resolves apps.apple.com to a local stand-in.
    certs = makeTestCertificates();
    appStore = createServer({ cert: certs.pem(certs.serverCert), key: certs.pem(certs.serverKey) }, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`App Store stand-in: ${req.url}`);
    });
    await new Promise<void>((resolve) => appStore.listen(0, '127.0.0.1', resolve));
    const storePort = (appStore.address() as AddressInfo).port;
    browser = await launchChromium([`--host-resolver-rules=MAP apps.apple.com:443 127.0.0.1:${storePort}`]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.url });
    page = await context.newPage();
    cspViolations = collectPageProblems(page, { cspOnly: true });
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    appStore?.close();
    certs?.remove();
  });

  const slug = uniqueSlug('browser');

  it('signs in with the API key', async () => {
    await page.goto(`${web.url}/admin`);
    await expect.poll(() => page.url()).toBe(`${web.url}/admin/login`);
    await page.getByLabel('API key').fill(API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${web.url}/admin/links`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Links/);
  });

  it('creates a link through the form and shows its tracking URL and QR code', async () => {
    await page.getByRole('link', { name: 'New link' }).click();
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('iOS target').fill(TARGETS.ios);
    await page.getByLabel('Android target').fill(TARGETS.android);
    await page.getByLabel('Everyone else').fill(TARGETS.default);
    await page.getByLabel('Campaign', { exact: true }).fill('browser-spring');
    await page.getByLabel('Network').fill('meta');
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.waitForURL(/\/admin\/links\/\d+\?saved=1$/);
    expect(await page.locator('#tracking-url').inputValue()).toBe(`${web.url}/t/click/${slug}`);
    expect(await page.locator('.qr svg').count()).toBe(1);

    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Copied' }).count()).toBe(1);
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`${web.url}/t/click/${slug}`);
    await page.screenshot({ path: `${SCREENSHOTS}admin-link.png`, fullPage: true });
  });

  it('finds the new link in the list by searching its slug', async () => {
    await page.goto(`${web.url}/admin/links`);
    await page.getByLabel('Slug contains').fill(slug);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=/);
    const rows = page.locator('table.links tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getByRole('link').textContent()).toBe(slug);
    await page.screenshot({ path: `${SCREENSHOTS}admin-list.png`, fullPage: true });
  });

  it("follows the tracking URL with an iPhone's user agent to the iOS target", async () => {
    // The stand-in's certificate is self-signed.
    const iphone = await browser.newContext({ userAgent: IPHONE_UA, viewport: { width: 390, height: 844 }, isMobile: true, ignoreHTTPSErrors: true });
    try {
      const phone = await iphone.newPage();
      await phone.goto(`${web.url}/t/click/${slug}`);
      // Store parameters (another feature) may be added to the target's query.
      expect(phone.url().split('?')[0]).toBe(TARGETS.ios);
      expect(await phone.textContent('body')).toContain('App Store stand-in: /app/id284882215');
    } finally {
      await iphone.close();
    }
  });

  it('shows the error for a javascript: URL next to the field', async () => {
    await page.goto(`${web.url}/admin/links/new`);
    await page.getByLabel('iOS target').fill('javascript:alert(document.cookie)');
    await page.getByRole('button', { name: 'Create link' }).click();
    const error = page.locator('#f-targets-ios-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^must be an https:, http:, itms-apps: or market: URL written in full/);
    expect(await page.getByLabel('iOS target').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${SCREENSHOTS}admin-error.png`, fullPage: true });
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, storageState: await context.storageState() });
    try {
      const phone = await phoneContext.newPage();
      await phone.goto(`${web.url}/admin/links?q=${slug}`);
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: `${SCREENSHOTS}admin-phone-list.png`, fullPage: true });
      await phone.getByRole('link', { name: slug }).click();
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: `${SCREENSHOTS}admin-phone-link.png`, fullPage: true });
    } finally {
      await phoneContext.close();
    }
  });

  it('ran without a single Content-Security-Policy violation, and would have seen one', async () => {
    // Loaded here too, so the check means something when this test runs alone.
    await page.goto(`${web.url}/admin/login`);
    await page.waitForLoadState('load');
    expect(cspViolations).toEqual([]);
    // The listener catches a real violation: an inline script the policy must refuse.
    await page.evaluate(`{
      const script = document.createElement('script');
      script.textContent = 'document.title = "inline ran"';
      document.body.append(script);
    }`);
    await expect.poll(() => cspViolations.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.title()).not.toBe('inline ran');
  });
});
