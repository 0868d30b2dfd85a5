import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, type RunningProcess } from '../support/processes.ts';

const running: RunningProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'clicktrack-redact-'));
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('worker logs', () => {
  it('never print the Redis password, also when Redis answers WRONGPASS', async () => {
    const port = await freePort();
    const redis = await startProcess(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', 'the-right-one'],
      {},
      /Ready to accept connections/,
    );
    running.push(redis);
    const password = 'Wr0ngButSecret-9b1f';
    const worker = await startProcess(
      process.execPath,
      ['src/worker/index.ts'],
      { REDIS_URL: `redis://default:${password}@127.0.0.1:${port}/0`, DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      /WRONGPASS[\s\S]*Redis unavailable|Redis unavailable[\s\S]*WRONGPASS/,
      30_000,
    );
    running.push(worker);
    await worker.stop();
    expect(worker.output()).toContain('WRONGPASS');
    expect(worker.output()).not.toContain(password);
  });
});
