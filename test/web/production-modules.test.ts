import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IPHONE_UA, insertLink, testDatabaseUrl, testRedisUrl, testSql, uniqueKey } from '../support/fixtures.ts';
import { freePort, startProcess, type RunningProcess } from '../support/processes.ts';

const sql = testSql();
const dir = mkdtempSync(join(tmpdir(), 'clicktrack-modules-'));
const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  await sql.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('the production web process', () => {
  it('never loads the embedded parts (PGlite, its drizzle driver, the in-process worker and queue), nor the admin UI and API before they are asked for', async () => {
    const traceFile = join(dir, 'modules.txt');
    const port = await freePort();
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: testRedisUrl(),
      REDIS_QUEUE_KEY: uniqueKey(),
      API_KEY: 'test-key',
      PORT: String(port),
      TRACE_MODULES_FILE: traceFile,
    };
    const web = await startProcess(process.execPath, ['--import', './test/support/trace-modules.ts', 'src/web/index.ts'], env, /web listening/);
    running.push(web);
    // Use it a little, so modules loaded on first use would show up too.
    const link = await insertLink(sql);
    const res = await fetch(`http://127.0.0.1:${port}/t/click/${link.slug}`, { redirect: 'manual', headers: { 'user-agent': IPHONE_UA } });
    expect(res.status).toBe(302);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);

    const loaded = readFileSync(traceFile, 'utf8').split('\n');
    // The trace works: the production driver is in it.
    expect(loaded.some((url) => url.includes('/drizzle-orm/postgres-js/'))).toBe(true);
    const embedded = loaded.filter((url) =>
      [
        '/@electric-sql/pglite/',
        '/drizzle-orm/pglite/',
        '/src/db/embedded-database.ts',
        '/src/queue/memory-queue.ts',
        // The in-process worker and what only it needs (the web reads the worker's settings shape, no more).
        '/src/worker/runtime.ts',
        '/src/worker/drain/',
        '/src/worker/sink/',
        '/@platformatic/kafka/',
        '/maxmind/',
        // QR codes load when the admin UI first asks for one.
        '/qrcode/',
        '/pngjs/',
      ].some((part) => url.includes(part)),
    );
    expect(embedded).toEqual([]);

    // The admin UI and the API load on their first request, not for clicks (the session
    // store, which the process opens at start, is all it takes of them before).
    const inAdminOrApi = () =>
      readFileSync(traceFile, 'utf8')
        .split('\n')
        .filter((url) => /\/src\/web\/(admin|api)\//.test(url) && !url.endsWith('/admin/session-store.ts'));
    expect(inAdminOrApi()).toEqual([]);
    const api = await fetch(`http://127.0.0.1:${port}/api/v1/links`, { headers: { authorization: 'Bearer test-key' } });
    expect(api.status).toBe(200);
    expect(inAdminOrApi().some((url) => url.includes('/src/web/api/'))).toBe(true);
    // Paths the API does not have still get the JSON answer.
    const unknown = await fetch(`http://127.0.0.1:${port}/api/v1/nothing-here`, { headers: { authorization: 'Bearer test-key' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
    expect((await fetch(`http://127.0.0.1:${port}/admin/login`)).status).toBe(200);
    expect(inAdminOrApi().some((url) => url.includes('/src/web/admin/'))).toBe(true);
  });
});
