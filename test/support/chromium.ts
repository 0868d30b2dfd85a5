import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Debian's Chromium as CI runs it: no sandbox (root in a container), no GPU, and none of
// the background traffic to Google services that a network-less machine would stall on.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where the browser tests leave their screenshots (kept out of git). */
export const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));

/** The machine's Chromium, driven by playwright-core (which downloads no browser). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, ...extraArgs] });
}

/**
 * Collects what a page of ours must never show: Content-Security-Policy violations and,
 * unless `cspOnly`, console errors and uncaught exceptions, into `into` (several pages, one
 * list) or a new list. The tests assert the list empty.
 */
export function collectPageProblems(page: Page, options: { cspOnly?: boolean; into?: string[] } = {}): string[] {
  const problems = options.into ?? [];
  page.on('console', (message) => {
    const text = message.text();
    if (/Content.Security.Policy/i.test(text) || (!options.cspOnly && message.type() === 'error')) problems.push(text);
  });
  if (!options.cspOnly) page.on('pageerror', (err) => problems.push(err.message));
  return problems;
}

/** Signs the page in to the admin UI with the API key, as a person would, and waits for the link list. */
export async function signInToAdmin(page: Page, baseUrl: string, apiKey: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/admin/links`);
}
