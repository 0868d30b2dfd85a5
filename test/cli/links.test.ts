import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../support/cli.ts';
import { TARGETS, testDatabaseUrl, uniqueSlug } from '../support/fixtures.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run links', () => {
  const cli = cliHarness({ publicUrl: 'https://go.example.com' });
  const { run } = cli;
  const json = async (...argv: string[]) => {
    const res = await run(...argv, '--json');
    expect(res.code, res.err).toBe(0);
    return JSON.parse(res.out);
  };

  it('creates a link from flags and prints it with its tracking URL', async () => {
    const slug = uniqueSlug('cli');
    const res = await run('create', '--slug', slug, '--ios', TARGETS.ios, '--default', TARGETS.default, '--campaign', 'spring', '--attribution-window-idfa', '60', '--store-params', 'false');
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(new RegExp(`^slug +${slug}$`, 'm'));
    expect(res.out).toMatch(new RegExp(`^tracking_url +https://go.example.com/t/click/${slug}$`, 'm'));
    const link = await json('get', slug);
    expect(link).toMatchObject({ slug, campaign: 'spring', attribution_window_idfa: 60, store_params: false, targets: { ios: TARGETS.ios, default: TARGETS.default } });
  });

  it('generates a slug when none is given', async () => {
    const link = await json('create', '--default', TARGETS.default);
    expect(link.slug).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(link.warnings).toEqual([]);
  });

  it('refuses invalid input with the API message and exit code 1', async () => {
    const res = await run('create', '--ios', 'javascript:alert(1)');
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/^refused: targets.ios: must be an https:, http:, itms-apps: or market: URL written in full/);
    const window = await run('create', '--default', TARGETS.default, '--attribution-window-idfa', 'a week');
    expect(window.err).toMatch(/attribution_window_idfa: must be a whole number of minutes/);
    const flag = await run('create', '--default', TARGETS.default, '--store-params', 'maybe');
    expect(flag.err).toMatch(/store_params: must be true or false/);
  });

  it('prints the warning for a store URL in the wrong slot', async () => {
    const res = await run('create', '--android', 'itms-apps://apps.apple.com/app/id1');
    expect(res.code).toBe(0);
    expect(res.err).toMatch(/^warning: targets.android is an App Store URL/);
  });

  it('updates only the given fields, and an empty value clears one', async () => {
    const created = await json('create', '--ios', TARGETS.ios, '--android', TARGETS.android, '--campaign', 'spring', '--network', 'meta');
    const updated = await json('update', String(created.id), '--network', 'tiktok', '--android', '', '--campaign', '');
    expect(updated).toMatchObject({ network: 'tiktok', campaign: null, targets: { ios: TARGETS.ios } });
    expect(updated.targets).not.toHaveProperty('android');
  });

  it('lists with filters, newest first, and says how to get the next page', async () => {
    const campaign = uniqueSlug('clilist');
    const first = await json('create', '--default', TARGETS.default, '--campaign', campaign);
    const second = await json('create', '--default', TARGETS.default, '--campaign', campaign);
    const page = await json('list', '--campaign', campaign);
    expect(page.data.map((l: { slug: string }) => l.slug)).toEqual([second.slug, first.slug]);
    const text = await run('list', '--campaign', campaign, '--limit', '1');
    expect(text.out).toMatch(/^ID\s+SLUG\s+CAMPAIGN\s+NETWORK\s+CREATED/);
    expect(text.out).toContain(second.slug);
    expect(text.out).toContain(`1 of 2 link(s); next page: --cursor ${second.id}`);
  });

  it('deletes softly and then treats the link as unknown', async () => {
    const created = await json('create', '--default', TARGETS.default);
    const res = await run('delete', created.slug);
    expect(res.code).toBe(0);
    expect(res.out).toContain(`deleted ${created.slug}`);
    expect((await run('get', created.slug)).code).toBe(1);
    const again = await run('create', '--slug', created.slug, '--default', TARGETS.default);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/belongs to a deleted link/);
  });

  it('lists deleted links and restores one', async () => {
    const campaign = uniqueSlug('restore');
    const created = await json('create', '--default', TARGETS.default, '--campaign', campaign);
    expect((await run('delete', String(created.id))).code).toBe(0);

    const deleted = await run('list', '--deleted', '--campaign', campaign);
    expect(deleted.code, deleted.err).toBe(0);
    expect(deleted.out).toContain(created.slug);
    expect(deleted.out).toContain('1 of 1 deleted link(s); bring one back with: restore <id|slug>');

    const res = await run('restore', created.slug);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toBe(`restored ${created.slug} (id ${created.id}); it redirects again`);
    expect((await json('get', created.slug)).id).toBe(created.id);
    expect((await json('list', '--deleted', '--campaign', campaign)).total).toBe(0);
    expect((await run('restore', 'no-such-link-ever')).code).toBe(1);
    expect((await run('restore')).code).toBe(2);
  });

  it('takes a slug that starts with "-" after --', async () => {
    const slug = `-${uniqueSlug('dash')}`;
    await cli.store.create({ slug, targets: TARGETS });
    const res = await run('get', '--json', '--', slug);
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out).slug).toBe(slug);
  });

  it('answers a usage mistake with the usage text and exit code 2', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('frobnicate')).err).toMatch(/unknown command: frobnicate[\s\S]*Usage:/);
    expect((await run('get')).err).toMatch(/get needs an id or slug/);
    expect((await run('list', '--ios', 'x')).err).toMatch(/--ios does not apply to list/);
    expect((await run('create', '--colour', 'red')).code).toBe(2);
    expect((await run('--help')).code).toBe(0);
  });

  it('runs as `node src/cli/links.ts` against DATABASE_URL', async () => {
    const slug = await cli.store.create({ targets: TARGETS }).then((l) => l.slug);
    const { stdout } = await promisify(execFile)(process.execPath, ['src/cli/links.ts', 'get', slug, '--json'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: testDatabaseUrl() },
    });
    expect(JSON.parse(stdout).slug).toBe(slug);
    const failed = await promisify(execFile)(process.execPath, ['src/cli/links.ts', 'get', 'no-such-slug-here'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: testDatabaseUrl() },
    }).catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringMatching(/refused: no link/) });
  });
});
