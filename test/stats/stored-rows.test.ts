import { describe, expect, it } from 'vitest';
import { rollUp } from '../../src/stats/fold-rollups.ts';
import { KIND_CLICK } from '../../src/stats/stats-schema.ts';
import type { StatsEvent } from '../../src/stats/stats-event.ts';
import { createStoredRows } from '../../src/stats/stored-rows.ts';

const T0 = Date.UTC(2026, 2, 10, 10) / 1000;
let next = 1;
const click = (linkId: number, country: string, visitor: bigint | null, ts = T0): StatsEvent => ({
  key: BigInt(next++),
  linkId,
  ts,
  kind: KIND_CLICK,
  bot: visitor === null,
  platform: 'ios',
  country,
  device: 'smartphone',
  os: 'iOS',
  browser: 'Mobile Safari',
  referrer: '',
  campaign: 'c1',
  network: 'meta',
  visitor,
});
const seen = (batch: StatsEvent[], stored: ReturnType<typeof createStoredRows>) => {
  const r = rollUp(batch);
  stored.leaveOut(r);
  return { sets: r.sets.map((s) => s.texts[1]), visitors: r.visitors.map((v) => `${v.linkId}:${v.day}:${v.visitor}`), hourly: r.hourly.length };
};

describe('the rows a consumer session knows stored', () => {
  it('leaves out the combinations and visitor days an earlier batch stored, until cleared', () => {
    const stored = createStoredRows();
    const day = Math.floor(T0 / 86_400);
    expect(seen([click(1, 'US', 5n), click(1, 'DE', 6n)], stored)).toEqual({ sets: ['DE', 'US'].sort(), visitors: [`1:${day}:5`, `1:${day}:6`], hourly: 2 });
    // The same visitors and texts again, a new country, a visitor of another link and day.
    const later = seen([click(1, 'US', 5n), click(1, 'FR', 6n), click(2, 'US', 5n), click(1, 'US', 5n, T0 + 86_400)], stored);
    expect(later).toEqual({ sets: ['FR'], visitors: [`1:${day + 1}:5`, `2:${day}:5`], hourly: 4 });
    // The counts are never left out.
    stored.clear();
    expect(seen([click(1, 'US', 5n)], stored)).toEqual({ sets: ['US'], visitors: [`1:${day}:5`], hourly: 1 });
  });

  it('starts over past its bound', () => {
    const stored = createStoredRows(2);
    for (const visitor of [1n, 2n, 3n]) seen([click(1, 'US', visitor)], stored);
    // Past the bound it starts over: visitor 1 is inserted again, which costs only a probe.
    expect(seen([click(1, 'US', 1n)], stored).visitors).toHaveLength(1);
  });

  it('tells visitors of links and days apart, and keeps no key it cannot make exactly', () => {
    const stored = createStoredRows();
    const day = Math.floor(T0 / 86_400);
    // Link 2 on day d and link 1 on day d + 10^6 would share a careless key.
    seen([click(2, 'US', 5n)], stored);
    expect(seen([click(1, 'US', 5n, T0 + 1_000_000 * 86_400)], stored).visitors).toEqual([`1:${day + 1_000_000}:5`]);
    // Past 2^53 the key would round: such a link's visitor rows always go in.
    const huge = 2 ** 50;
    expect(seen([click(huge, 'US', 5n)], stored).visitors).toHaveLength(1);
    expect(seen([click(huge + 1, 'US', 5n)], stored).visitors).toHaveLength(1);
    expect(seen([click(huge, 'US', 5n)], stored).visitors).toHaveLength(1);
  });
});
