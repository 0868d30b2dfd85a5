import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
    expect(web.output()).toMatch(/API key: +\S+/);
    expect(web.output()).toMatch(/embedded: +database \(PGlite/);

    // Send exactly what the banner tells a person to send: a real iPhone's agent.
    const suggested = /curl -i -A '([^']+)' http:\/\/localhost:\d+(\/t\/click\/demo)\b/.exec(web.output());
    expect(suggested, web.output()).not.toBeNull();
    const [, bannerAgent, demoPath] = suggested!;
    const res = await fetch(`${web.url}${demoPath}?adid=1`, { redirect: 'manual', headers: { 'user-agent': bannerAgent! } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^https:\/\/apps\.apple\.com\//);
    // The bare `-A iPhone` it suggested before: the same redirect, and the same record.
    const bareAgent = await fetch(`${web.url}${demoPath}`, { redirect: 'manual', headers: { 'user-agent': 'iPhone' } });
    expect(bareAgent.headers.get('location')).toMatch(/^https:\/\/apps\.apple\.com\//);
    await expect.poll(() => readEvents().length, { timeout: 10_000, interval: 100 }).toBe(2);
    const [event] = readEvents();
    expect(event).toMatchObject({ type: '/t/click', platform: 'ios', device: { model: 'iPhone' }, params: expect.objectContaining({ slug: 'demo' }) });
    for (const recorded of readEvents()) {
      // What the web process decided at click time and what the worker recorded agree.
      expect(recorded).toMatchObject({ platform: 'ios', bot: false, bot_name: null, params: expect.objectContaining({ platform: 'ios' }) });
    }
    expect((await fetch(`${web.url}/ready`)).status).toBe(200);

    const key = /API key: +(\S+)/.exec(web.output())?.[1];
    expect(await web.stop()).toBe(0);

    // The key a person copied keeps working after a restart, and the data is still there.
    const again = await startWebProcess(bare);
    running.push(again);
    expect(/API key: +(\S+)/.exec(again.output())?.[1]).toBe(key);
    const second = await fetch(`${again.url}/t/click/demo`, { redirect: 'manual', headers: { 'user-agent': 'Android' } });
    expect(second.headers.get('location')).toMatch(/^https:\/\/play\.google\.com\//);
    await expect.poll(() => readEvents().length, { timeout: 10_000, interval: 100 }).toBe(3);
    expect(readEvents()[2]).toMatchObject({ platform: 'android', bot: false, params: expect.objectContaining({ platform: 'android' }) });
  }, 60_000);

  it('never embeds anything in production: it names the missing variable and stops', async () => {
    await expect(startWebProcess({ ...bare, NODE_ENV: 'production' })).rejects.toThrow(/DATABASE_URL: required when NODE_ENV=production/);
  });
});
