import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.ts';
import { runStatsCommand } from '../../src/cli/stats-command.ts';
import { createLinkStore } from '../../src/links/link-store.ts';
import { foldEvents } from '../../src/stats/fold.ts';
import { insertLink, testSql } from '../support/fixtures.ts';
import { conversionEvent } from './conversion-support.ts';
import { statsEvent } from './support.ts';

const client = testSql();
const db = createDb(client);
afterAll(() => client.end());

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runStatsCommand(args, { db, store: createLinkStore(db), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run links -- stats', () => {
  it('prints totals, the series and the group of a link by slug', async () => {
    const link = await insertLink(client);
    const ts = Date.parse('2026-04-02T10:00:00Z') / 1000;
    await foldEvents(db, [statsEvent({ linkId: link.id, ts, country: 'FR' }), statsEvent({ linkId: link.id, ts: ts + 60, country: 'FR' })]);
    const text = await run([link.slug, '--from', '2026-04-01', '--to', '2026-04-03', '--group-by', 'country']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/clicks 2 {2}unique visitors/);
    expect(text.out).toMatch(/2026-04-02T00:00 +2 +0/);
    expect(text.out).toMatch(/FR {2}2 {2}0/);
    const json = await run([String(link.id), '--from', '2026-04-01', '--to', '2026-04-03', '--json']);
    expect(JSON.parse(json.out).totals.clicks).toBe(2);
  });

  it('refuses a bad flag value naming it, and a wrong usage with the usage text', async () => {
    const link = await insertLink(client);
    const bad = await run([link.slug, '--group-by', 'planet']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^refused: group_by: /);
    const reversed = await run([link.slug, '--from', '2026-04-03', '--to', '2026-04-01']);
    expect(reversed.err).toMatch(/^refused: from: must be before to/);
    expect((await run([])).code).toBe(2);
    expect((await run(['no-such-link-abc'])).err).toMatch(/^refused: link: no link/);
  });
});

describe('npm run links -- stats --metric conversions', () => {
  it('prints the conversions, their rate and revenue, by event and by group', async () => {
    const link = await insertLink(client, { campaign: 'cli-autumn', network: 'meta' });
    const ts = Date.parse('2026-04-02T10:00:00Z') / 1000;
    await foldEvents(
      db,
      Array.from({ length: 4 }, (_, i) => statsEvent({ linkId: link.id, ts: ts - 600 + i, campaign: 'cli-autumn' })),
      {
        conversions: [
          conversionEvent({ linkId: link.id, ts, campaign: 'cli-autumn', network: 'meta' }),
          conversionEvent({ linkId: link.id, ts: ts + 60, event: 'purchase', campaign: 'cli-autumn', network: 'meta', revenue: '4.50', currency: 'EUR' }),
        ],
      },
    );
    const args = [link.slug, '--from', '2026-04-01', '--to', '2026-04-03', '--metric', 'conversions'];
    const text = await run([...args, '--group-by', 'network']);
    expect(text.err).toBe('');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/conversions 2 {2}organic 0 {2}clicks 4 {2}conversion rate 50\.00% {2}revenue 4\.5 EUR/);
    expect(text.out).toMatch(/install {2}1 {2}1/);
    expect(text.out).toMatch(/purchase {2}1 {2}1/);
    expect(text.out).toMatch(/2026-04-02T00:00 +2/);
    expect(text.out).toMatch(/meta {2}2 {2}4 {2}50\.00%/);
    const installs = JSON.parse((await run([...args, '--event', 'install', '--json'])).out);
    expect(installs.totals.conversions).toBe(1);
  });

  it('refuses what conversions do not keep, and --event without the metric', async () => {
    const link = await insertLink(client);
    const byBrowser = await run([link.slug, '--metric', 'conversions', '--group-by', 'browser']);
    expect(byBrowser.code).toBe(1);
    expect(byBrowser.err).toMatch(/^refused: group_by: must be one of link, campaign, network, platform, country/);
    expect((await run([link.slug, '--event', 'install'])).err).toBe('refused: event: only with --metric conversions');
    expect((await run([link.slug, '--metric', 'sales'])).err).toMatch(/^refused: metric: /);
  });
});
