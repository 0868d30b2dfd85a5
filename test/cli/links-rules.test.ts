import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../support/cli.ts';
import { TARGETS, uniqueSlug } from '../support/fixtures.ts';

describe('npm run links: schedule, limit and rules', () => {
  const { run } = cliHarness();

  it('sets the schedule, the limit and rules inline or from a file, and clears them', async () => {
    const slug = uniqueSlug('cli-rules');
    const rules = [{ name: 'de', when: { countries: ['DE'] }, target: [{ url: 'https://a.example/', weight: 1 }, { url: 'https://b.example/', weight: 1 }] }];
    const created = await run('create', '--slug', slug, '--default', TARGETS.default, '--starts-at', '2026-01-01T00:00:00Z', '--max-clicks', '500', '--rules', JSON.stringify(rules), '--json');
    expect(created.code, created.err).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ starts_at: '2026-01-01T00:00:00.000Z', max_clicks: 500, rules: [{ name: 'de' }] });

    const file = join(mkdtempSync(join(tmpdir(), 'ct-rules-')), 'rules.json');
    writeFileSync(file, JSON.stringify([{ when: { languages: ['fr'] }, target: 'https://fr.example/' }]));
    const fromFile = await run('update', slug, '--rules', `@${file}`, '--expires-at', '2027-01-01T00:00:00Z', '--expired-url', 'https://example.com/over');
    expect(fromFile.code, fromFile.err).toBe(0);
    expect(fromFile.out).toMatch(/^rules +\[\{"when":\{"languages":\["fr"\]\},"target":"https:\/\/fr.example\/"\}\]$/m);
    expect(fromFile.out).toMatch(/^expired_url +https:\/\/example.com\/over$/m);

    const cleared = await run('update', slug, '--rules', '', '--max-clicks', '', '--json');
    expect(JSON.parse(cleared.out)).toMatchObject({ rules: [], max_clicks: null });
  });

  it('refuses bad input naming the field', async () => {
    const slug = uniqueSlug('cli-rules');
    expect(await run('create', '--slug', slug, '--default', TARGETS.default, '--rules', '[{"when":{"devices":["watch"]},"target":"https://a.example/"}]')).toMatchObject({
      code: 1,
      err: 'refused: rules.0.when.devices.0: must be one of phone, tablet, desktop, tv',
    });
    expect(await run('create', '--default', TARGETS.default, '--rules', '[oops')).toMatchObject({ code: 1, err: expect.stringMatching(/^refused: rules: is not valid JSON/) });
    expect(await run('create', '--default', TARGETS.default, '--max-clicks', 'many')).toMatchObject({ code: 1, err: 'refused: max_clicks: must be a whole number or null' });
  });
});
