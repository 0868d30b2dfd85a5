import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IPHONE_UA } from '../support/fixtures.ts';
import { startWebProcess, type RunningProcess } from '../support/processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'clicktrack-embedded-'));
const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

function readEvents(): Array<Record<string, unknown>> {
  try {
    return readFileSync(join(dataDir, 'events.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}

// Nothing configured: no DATABASE_URL, REDIS_URL or KAFKA_URL, as on a fresh clone.
const bare = { DATA_DIR: dataDir };

describe('npm start with nothing configured', () => {
  it('runs the whole pipeline in one process: the demo click comes out enriched in events.ndjson', async () => {
    const web = await startWebProcess(bare);
    running.push(web);
    expect(web.output()).toMatch(/curl -i -A '[^']+' http:\/\/localhost:\d+\/t\/click\/demo/);
    expect(web.output()).toMatch(/API key: +\S+/);
    expect(web.output()).toMatch(/embedded: +database \(PGlite/);

    const res = await fetch(`${web.url}/t/click/demo?adid=1`, { redirect: 'manual', headers: { 'user-agent': IPHONE_UA } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^https:\/\/apps\.apple\.com\//);
    await expect.poll(() => readEvents().length, { timeout: 10_000, interval: 100 }).toBe(1);
    const [event] = readEvents();
    expect(event).toMatchObject({ type: '/t/click', platform: 'ios', device: { model: 'iPhone' }, params: expect.objectContaining({ slug: 'demo' }) });
    expect((await fetch(`${web.url}/ready`)).status).toBe(200);

    const key = /API key: +(\S+)/.exec(web.output())?.[1];
    expect(await web.stop()).toBe(0);

    // The key a person copied keeps working after a restart, and the data is still there.
    const again = await startWebProcess(bare);
    running.push(again);
    expect(/API key: +(\S+)/.exec(again.output())?.[1]).toBe(key);
    const second = await fetch(`${again.url}/t/click/demo`, { redirect: 'manual', headers: { 'user-agent': 'Android' } });
    expect(second.headers.get('location')).toMatch(/^https:\/\/play\.google\.com\//);
    await expect.poll(() => readEvents().length, { timeout: 10_000, interval: 100 }).toBe(2);
  }, 60_000);

  it('never embeds anything in production: it names the missing variable and stops', async () => {
    await expect(startWebProcess({ ...bare, NODE_ENV: 'production' })).rejects.toThrow(/DATABASE_URL: required when NODE_ENV=production/);
  });
});
