import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebProcess, type RunningProcess } from '../../support/processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'clicktrack-ingest-embedded-'));
let web: RunningProcess & { url: string };
afterAll(async () => {
  await web?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function readEvents(): Array<Record<string, unknown>> {
  try {
    return readFileSync(join(dataDir, 'events.ndjson'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}

describe('events with nothing configured (npm start)', () => {
  it('takes a batch with a write key made through the admin API, dedupes its retry, and records it', async () => {
    web = await startWebProcess({ DATA_DIR: dataDir });
    const apiKey = /API key: +(\S+)/.exec(web.output())?.[1];
    const made = await fetch(`${web.url}/api/v1/write-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Embedded app', platform: 'android' }),
    });
    expect(made.status).toBe(201);
    const { key } = (await made.json()) as { key: string };
    const send = () =>
      fetch(`${web.url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ writeKey: key, batch: [{ event: 'install', messageId: 'emb-1' }, { event: 'purchase', messageId: 'emb-2', revenue: 1.5, currency: 'EUR' }] }),
      });
    expect(await (await send()).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await (await send()).json()).toEqual({ accepted: 2, duplicates: 2, rejected: [] });
    await expect.poll(() => readEvents().filter((e) => e.type === '/v1/track').length, { timeout: 10_000, interval: 100 }).toBe(2);
    const [install, purchase] = readEvents().filter((e) => e.type === '/v1/track');
    expect(install).toMatchObject({ params: expect.objectContaining({ message_id: 'emb-1', event: 'install', platform: 'android' }) });
    expect(purchase).toMatchObject({ params: expect.objectContaining({ message_id: 'emb-2', revenue: '1.5', currency: 'EUR' }) });
  }, 60_000);
});
