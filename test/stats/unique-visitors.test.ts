import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.ts';
import { foldEvents } from '../../src/stats/fold.ts';
import { queryStats } from '../../src/stats/query.ts';
import { testSql } from '../support/fixtures.ts';
import { statsEvent } from './support.ts';

const client = testSql();
const db = createDb(client);
afterAll(() => client.end());

describe('unique visitors', () => {
  it('counts 20,000 visitors behind 100,000 clicks within 2% (exactly, as stored), per day and over the period', async () => {
    const linkId = 700_000_000 + Math.floor(Math.random() * 1_000_000);
    const start = Date.parse('2026-05-01T00:00:00Z') / 1000;
    // Visitor v clicks on day (v % 5) and a few more times on following days.
    const events = Array.from({ length: 100_000 }, (_, i) => {
      const visitor = i % 20_000;
      const day = (visitor + Math.floor(i / 20_000)) % 5;
      return statsEvent({ linkId, ts: start + day * 86_400 + (i % 86_000), lookupKey: `visitor-${visitor}` });
    });
    for (let i = 0; i < events.length; i += 5_000) await foldEvents(db, events.slice(i, i + 5_000));

    const query = (from: string, to: string) =>
      queryStats(db, { from: new Date(from), to: new Date(to), interval: 'day', timezone: 'UTC', filters: { link: [String(linkId)] }, bots: 'exclude', limit: 10 });
    const period = await query('2026-05-01T00:00:00Z', '2026-05-06T00:00:00Z');
    expect(period.totals.clicks).toBe(100_000);
    expect(Math.abs((period.totals.unique_visitors ?? 0) - 20_000) / 20_000).toBeLessThanOrEqual(0.02);
    expect(period.totals.unique_visitors).toBe(20_000);
    // Every visitor clicked on each of the 5 days once: 20,000 distinct per day too.
    const oneDay = await query('2026-05-02T00:00:00Z', '2026-05-03T00:00:00Z');
    expect(oneDay.totals.unique_visitors).toBe(20_000);
  }, 180_000);
});
