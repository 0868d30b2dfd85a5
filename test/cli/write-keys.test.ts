import { afterAll, describe, expect, it } from 'vitest';
import { runWriteKeysCommand } from '../../src/cli/write-keys-command.ts';
import { createDb } from '../../src/db/client.ts';
import { hashWriteKey } from '../../src/write-keys/write-key.ts';
import { createWriteKeyStore } from '../../src/write-keys/write-key-store.ts';
import { createApiWriteKeyStore } from '../../src/write-keys/api-write-key-store.ts';
import { testSql } from '../support/fixtures.ts';
import { startTestRuntime } from '../support/web-runtime.ts';

const sql = testSql();
afterAll(() => sql.end());
const store = createWriteKeyStore(createDb(sql));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runWriteKeysCommand(argv, { store, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run links -- write-keys', () => {
  it('creates a key, prints it once, lists it by prefix and revokes it', async () => {
    const name = `CLI app ${Date.now()}`;
    const created = await run('create', '--name', name, '--platform', 'android');
    expect(created.code).toBe(0);
    const key = created.out.split('\n')[0] ?? '';
    expect(key).toMatch(/^wk_[A-Za-z0-9_-]{43}$/);
    expect(created.out).toContain('not shown again');
    const id = Number(/write key (\d+)/.exec(created.out)?.[1]);
    expect(await store.findLive(hashWriteKey(key))).toMatchObject({ id, platform: 'android' });

    const listed = await run('list');
    expect(listed.out).not.toContain(key);
    expect(listed.out).toMatch(new RegExp(`${key.slice(0, 11)}….*android.*live.*${name}`));

    const revoked = await run('revoke', String(id));
    expect([revoked.code, revoked.out]).toEqual([0, expect.stringMatching(/^revoked: .*revoked \d{4}-\d{2}-\d{2}/)]);
    expect(await store.findLive(hashWriteKey(key))).toBeNull();
    const json = JSON.parse((await run('list', '--json')).out);
    expect(json.find((k: { id: number }) => k.id === id)).toMatchObject({ revoked_at: expect.any(String) });
  });

  it('refuses bad input naming the field, an unknown id, and wrong usage', async () => {
    expect(await run('create', '--name', 'x', '--platform', 'symbian')).toMatchObject({ code: 1, err: expect.stringContaining('platform: must be one of') });
    expect(await run('create', '--platform', 'ios')).toMatchObject({ code: 1, err: expect.stringContaining('name: is required') });
    expect(await run('revoke', '987654321')).toMatchObject({ code: 1, err: 'refused: no write key with id 987654321' });
    expect((await run('revoke', 'abc')).code).toBe(2);
    expect((await run()).code).toBe(2);
  });
});

describe('write-keys through a running server (the embedded default while npm start runs)', () => {
  it('creates, lists and revokes through the admin API', async () => {
    const runtime = await startTestRuntime({ API_KEY: 'cli-write-keys-admin' });
    const viaApi = createApiWriteKeyStore('http://server.test', 'cli-write-keys-admin', ((url: string, init: RequestInit) => runtime.app.request(url, init)) as typeof fetch);
    const out: string[] = [];
    const io = { store: viaApi, out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    expect(await runWriteKeysCommand(['create', '--name', 'Via API', '--platform', 'web'], io)).toBe(0);
    const id = Number(/write key (\d+)/.exec(out.join('\n'))?.[1]);
    expect((await viaApi.list()).find((k) => k.id === id)).toMatchObject({ name: 'Via API', platform: 'web', revokedAt: null });
    expect(await runWriteKeysCommand(['revoke', String(id)], io)).toBe(0);
    expect((await viaApi.list()).find((k) => k.id === id)?.revokedAt).toBeInstanceOf(Date);
    expect(await runWriteKeysCommand(['revoke', '987654321'], io)).toBe(1);
    const wrongKey = createApiWriteKeyStore('http://server.test', 'wrong', ((url: string, init: RequestInit) => runtime.app.request(url, init)) as typeof fetch);
    await expect(wrongKey.list()).rejects.toThrow(/answered 401/);
  });
});
