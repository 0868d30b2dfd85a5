import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lockFileFor } from '../../src/db/embedded-lock.ts';
import { startWebProcess, type RunningProcess } from '../support/processes.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'clicktrack-cli-embedded-'));
const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run links -- ...` as a person runs it: no DATABASE_URL, the embedded database in DATA_DIR. */
function links(args: string[], dir = dataDir): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['src/cli/links.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DATA_DIR: dir }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const TARGET = 'https://example.com/cli-embedded';

describe('npm run links on the embedded database', () => {
  it('answers --help without opening or creating the database', async () => {
    const fresh = join(dataDir, 'never-created');
    const res = await links(['--help'], fresh);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage: npm run links/);
    expect(existsSync(fresh)).toBe(false);
  });

  it('goes through the running server, so both see the same links, and none is lost after it stops', async () => {
    const web = await startWebProcess({ DATA_DIR: dataDir });
    running.push(web);
    const dbDir = join(dataDir, 'pglite');
    expect(JSON.parse(readFileSync(lockFileFor(dbDir), 'utf8'))).toMatchObject({ role: 'server', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });

    const created = await links(['create', '--slug', 'from-cli', '--default', TARGET, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const click = await fetch(`${web.url}/t/click/from-cli`, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(TARGET);

    const key = readFileSync(join(dataDir, 'api-key'), 'utf8').trim();
    const viaApi = await fetch(`${web.url}/api/v1/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'from-api', targets: { default: TARGET } }),
    });
    expect(viaApi.status).toBe(201);
    const got = await links(['get', 'from-api', '--json']);
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout).slug).toBe('from-api');

    const deleted = await links(['delete', 'from-api']);
    expect(deleted.stdout).toMatch(/^deleted from-api \(id \d+\)/);
    await expect.poll(async () => (await fetch(`${web.url}/t/click/from-api`, { redirect: 'manual' })).status, { timeout: 5_000 }).toBe(404);

    // db:migrate does not open the files either: the server migrated them when it started.
    const migrate = await new Promise<string>((resolve) =>
      execFile(process.execPath, ['src/db/migrate-cli.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir } }, (_e, out, err) => resolve(out + err)),
    );
    expect(migrate).toMatch(/is open in `npm start`/);

    expect(await web.stop()).toBe(0);
    expect(existsSync(lockFileFor(dbDir))).toBe(false);
    const after = await links(['list', '--json']);
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout).data.map((l: { slug: string }) => l.slug)).toContain('from-cli');
  }, 120_000);

  it('refuses with a clear message, on both sides, while another process has the database', async () => {
    const lock = lockFileFor(join(dataDir, 'pglite'));
    // This test process stands in for a CLI command that has the database open.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, role: 'cli' }));
    try {
      const res = await links(['list']);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^refused: the embedded database in .* is open in another command \(pid \d+\); only one process may open it at a time/);
      await expect(startWebProcess({ DATA_DIR: dataDir })).rejects.toThrow(/is open in another command .* Stop it first, or set DATABASE_URL/);
    } finally {
      rmSync(lock, { force: true });
    }
    // A lock left by a process that died is taken over.
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, role: 'server', url: 'http://127.0.0.1:9' }));
    const res = await links(['get', 'from-cli', '--json']);
    expect(res.code, res.stderr).toBe(0);
  }, 120_000);
});
