import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebProcess, type RunningProcess } from '../support/processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'clicktrack-demo-'));
const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

function readEvents(): Array<Record<string, any>> {
  try {
    return readFileSync(join(dataDir, 'events.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}

describe('the demo click the start banner suggests', () => {
  it('is recorded as the iPhone click it redirected, in the web process and the worker alike', async () => {
    const web = await startWebProcess({ DATA_DIR: dataDir });
    running.push(web);

    // Send exactly what the banner tells a person to send.
    const suggested = /curl -i -A '([^']+)' http:\/\/localhost:\d+(\/t\/click\/demo)\b/.exec(web.output());
    expect(suggested, web.output()).not.toBeNull();
    const [, userAgent, path] = suggested!;
    const res = await fetch(`${web.url}${path}`, { redirect: 'manual', headers: { 'user-agent': userAgent! } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^https:\/\/apps\.apple\.com\//);

    // And the bare `-A iPhone` the banner suggested before: same redirect, same record.
    const bare = await fetch(`${web.url}/t/click/demo`, { redirect: 'manual', headers: { 'user-agent': 'iPhone' } });
    expect(bare.headers.get('location')).toMatch(/^https:\/\/apps\.apple\.com\//);

    await expect.poll(() => readEvents().length, { timeout: 20_000, interval: 100 }).toBe(2);
    for (const event of readEvents()) {
      expect(event).toMatchObject({ type: '/t/click', platform: 'ios', bot: false, bot_name: null });
      // What the web process decided at click time and what the worker recorded agree.
      expect(event.params.platform).toBe(event.platform);
    }
    expect(readEvents()[0]).toMatchObject({ device: { model: 'iPhone' }, os: { name: 'iOS' }, browser: { name: 'Mobile Safari' } });
  }, 90_000);
});
