import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageProblems, launchChromium, SCREENSHOTS, signInToAdmin } from '../../support/chromium.ts';
import { DESKTOP_UA, TARGETS, testDatabaseUrl, testRedisUrl, uniqueKey, uniqueSlug } from '../../support/fixtures.ts';
import { startWebProcess, type RunningProcess } from '../../support/processes.ts';

const API_KEY = 'rules-browser-key-0123456789';

describe('rules editor and "test this link" in a real browser', () => {
  let web: RunningProcess & { url: string };
  let browser: Browser;
  let page: Page;
  let linkId: number;
  const slug = uniqueSlug('rules-ui');
  let cspViolations: string[] = [];

  beforeAll(async () => {
    web = await startWebProcess({ DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: uniqueKey(), API_KEY });
    const res = await fetch(`${web.url}/api/v1/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug, targets: TARGETS, store_params: false }),
    });
    linkId = ((await res.json()) as { id: number }).id;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    cspViolations = collectPageProblems(page, { cspOnly: true });
    await signInToAdmin(page, web.url, API_KEY);
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  const rule = (n: number) => page.locator(`fieldset.rule[data-rule="${n}"]`);

  it('adds rules, refuses a bad one naming the field, reorders, removes and saves', async () => {
    await page.goto(`${web.url}/admin/links/${linkId}`);
    await page.getByRole('link', { name: /Rules and schedule/ }).click();
    await page.waitForURL(`${web.url}/admin/links/${linkId}/rules`);

    await page.getByLabel('Click limit').fill('1000');
    await page.getByLabel('When expired, send to').fill('https://example.com/over');
    await page.getByRole('button', { name: 'Add a rule' }).click();
    await rule(0).getByLabel('Name (in the stats)').fill('germany');
    await rule(0).getByLabel('Countries').fill('DE, Germany');
    await rule(0).getByLabel('Send to (every platform)').fill('https://de.example/');
    await page.getByRole('button', { name: 'Add a rule' }).click();
    await rule(1).getByLabel('Name (in the stats)').fill('split');
    await rule(1).getByLabel('Send to (every platform)').fill('50 https://a.example/ a\n30 https://b.example/ b\n20 https://c.example/ c');
    await page.getByRole('button', { name: 'Add a rule' }).click();
    await rule(2).getByLabel('Name (in the stats)').fill('scrap');
    await page.getByRole('button', { name: 'Save' }).click();

    // Refused, with the fields named, and the form as it was typed.
    await expect.poll(() => page.locator('.notice.error').textContent()).toContain('rules.0.when.countries.1: must be a two-letter ISO country code such as DE');
    expect(await rule(2).locator('.error').textContent()).toContain('rules.2: needs exactly one of target and targets');
    await page.screenshot({ path: `${SCREENSHOTS}rules-refused.png`, fullPage: true });

    await rule(0).getByLabel('Countries').fill('DE, AT');
    await rule(2).getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.locator('fieldset.rule').count()).toBe(2);
    // The split is moved first, then back: order survives the round trips.
    await rule(1).getByRole('button', { name: 'Move up' }).click();
    expect(await rule(0).getByLabel('Name (in the stats)').inputValue()).toBe('split');
    await rule(0).getByRole('button', { name: 'Move down' }).click();
    expect(await rule(0).getByLabel('Name (in the stats)').inputValue()).toBe('germany');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${web.url}/admin/links/${linkId}/rules?saved=1`);
    expect(await rule(1).getByLabel('Send to (every platform)').inputValue()).toBe('50 https://a.example/ a\n30 https://b.example/ b\n20 https://c.example/ c');
    await page.screenshot({ path: `${SCREENSHOTS}rules-saved.png`, fullPage: true });

    const stored = await fetch(`${web.url}/api/v1/links/${linkId}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const body = (await stored.json()) as { max_clicks: number; rules: { name: string }[] };
    expect(body.max_clicks).toBe(1000);
    expect(body.rules.map((r) => r.name)).toEqual(['germany', 'split']);
  });

  it('"test this link" says which rule and variant a visitor gets, and why', async () => {
    const test = page.locator('section.test-link');
    await test.getByLabel('User agent').fill(DESKTOP_UA);
    await test.getByLabel('IP address').fill('188.103.123.173');
    await test.getByRole('button', { name: 'Explain' }).click();
    await expect.poll(() => page.locator('#explain-target').textContent()).toBe('https://de.example/');
    expect(await page.locator('#explain-rule').textContent()).toBe('1 (germany)');

    await page.locator('section.test-link').getByLabel('Country').fill('FR');
    await page.locator('section.test-link').getByRole('button', { name: 'Explain' }).click();
    await expect.poll(() => page.locator('#explain-rule').textContent()).toBe('2 (split)');
    const variant = await page.locator('#explain-variant').textContent();
    expect(['a', 'b', 'c']).toContain(variant);
    expect(await page.locator('.trace li.failed').textContent()).toBe('Rule 1 (germany): country FR is not one of DE, AT');
    await page.screenshot({ path: `${SCREENSHOTS}rules-explain.png`, fullPage: true });
  });

  it('ran without a Content-Security-Policy violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
