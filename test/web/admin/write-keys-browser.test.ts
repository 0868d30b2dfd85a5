import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageProblems, launchChromium, SCREENSHOTS, signInToAdmin } from '../../support/chromium.ts';
import { testDatabaseUrl, testRedisUrl, uniqueKey } from '../../support/fixtures.ts';
import { startWebProcess, type RunningProcess } from '../../support/processes.ts';

const API_KEY = 'write-keys-browser-key-0123456789';

describe('write keys page in a real browser', () => {
  let web: RunningProcess & { url: string };
  let browser: Browser;
  let page: Page;
  let cspViolations: string[] = [];
  const appName = `Browser app ${Date.now()}`;
  let key = '';

  beforeAll(async () => {
    web = await startWebProcess({ DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: uniqueKey(), API_KEY });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    cspViolations = collectPageProblems(page, { cspOnly: true });
    // The revoke button asks first (admin.js); the person says yes.
    page.on('dialog', (dialog) => void dialog.accept());
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  const track = (writeKey: string) =>
    fetch(`${web.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'install' }),
    });

  it('creates a write key and shows it once', async () => {
    await signInToAdmin(page, web.url, API_KEY);
    await page.getByRole('link', { name: 'Write keys' }).click();
    await page.waitForURL(`${web.url}/admin/write-keys`);
    await page.getByLabel('App name').fill(appName);
    await page.getByLabel('Platform').selectOption('android');
    await page.getByRole('button', { name: 'Create write key' }).click();
    key = await page.getByLabel('New write key').inputValue();
    expect(key).toMatch(/^wk_[A-Za-z0-9_-]{43}$/);
    expect(await page.locator('.notice.ok').textContent()).toContain('shown this once');
    await page.screenshot({ path: `${SCREENSHOTS}admin-write-key-created.png`, fullPage: true });
    expect((await track(key)).status).toBe(200);

    // Seen again, the page lists the key by its first characters only.
    await page.goto(`${web.url}/admin/write-keys`);
    const content = await page.content();
    expect(content).not.toContain(key);
    const row = page.locator('tr', { hasText: appName });
    expect(await row.textContent()).toContain(`${key.slice(0, 11)}…`);
    expect(await row.textContent()).toContain('Android');
  });

  it('revokes the key, after which its events are refused', async () => {
    await page.locator('tr', { hasText: appName }).getByRole('button', { name: 'Revoke' }).click();
    await page.waitForURL(/\/admin\/write-keys\?revoked=\d+$/);
    expect(await page.locator('.notice.ok').textContent()).toContain(`Revoked the write key of ${appName}`);
    expect(await page.locator('tr', { hasText: appName }).textContent()).toMatch(/Revoked/);
    await page.screenshot({ path: `${SCREENSHOTS}admin-write-key-revoked.png`, fullPage: true });
    // Revoked on the process that serves the events: refused at once.
    expect((await track(key)).status).toBe(401);
  });

  it('refuses a key without a name, next to the form', async () => {
    await page.getByLabel('App name').fill('   ');
    await page.getByRole('button', { name: 'Create write key' }).click();
    expect(await page.locator('.notice.error').textContent()).toContain('name: is required');
  });

  it('ran without a Content-Security-Policy violation', async () => {
    await page.goto(`${web.url}/admin/write-keys`);
    await page.waitForLoadState('load');
    expect(cspViolations).toEqual([]);
  });
});
