import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IPHONE_UA } from '../support/fixtures.ts';
import { startWebProcess, type RunningProcess } from '../support/processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'clicktrack-embedded-stats-'));
const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start with nothing configured, then one click', () => {
  it('counts the demo click: the API and the demo link page show 1 click', async () => {
    const web = await startWebProcess({ DATA_DIR: dataDir });
    running.push(web);
    const apiKey = /API key: +(\S+)/.exec(web.output())?.[1];
    const res = await fetch(`${web.url}/t/click/demo`, { redirect: 'manual', headers: { 'user-agent': IPHONE_UA } });
    expect(res.status).toBe(302);
    // A HEAD (a link unfurler) is answered the same and never counted.
    expect((await fetch(`${web.url}/t/click/demo`, { method: 'HEAD', redirect: 'manual', headers: { 'user-agent': IPHONE_UA } })).status).toBe(302);

    const stats = async () => {
      const answer = await fetch(`${web.url}/api/v1/stats?link=demo&bots=include`, { headers: { authorization: `Bearer ${apiKey}` } });
      return ((await answer.json()) as { totals: { clicks: number } }).totals.clicks;
    };
    await expect.poll(stats, { timeout: 15_000, interval: 200 }).toBe(1);

    // The admin page of the demo link says so.
    const login = await fetch(`${web.url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: web.url },
      body: `api_key=${encodeURIComponent(apiKey ?? '')}`,
    });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const pageHtml = await (await fetch(`${web.url}/admin/links/demo`, { headers: { cookie } })).text();
    expect(pageHtml).toMatch(/<dd data-total="clicks">1<\/dd>/);
    const list = await (await fetch(`${web.url}/admin/links`, { headers: { cookie } })).text();
    expect(list).toContain('class="clicks">1 / 1</td>');
  }, 60_000);
});
