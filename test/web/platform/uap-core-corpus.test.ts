import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPlatformDetector, type Platform } from '../../../src/web/platform/detect-platform.ts';

// 17,816 distinct user agents from ua-parser/uap-core's tests (Apache-2.0), each with the OS
// family and device family uap-core's own test data gives it; see uap-core/README.md.
type Row = [userAgent: string, osFamily: string, deviceFamily: string, deviceBrand: string | null];
const ROWS: Row[] = readFileSync(new URL('./uap-core/corpus.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as Row);

// TVs, set-top boxes, consoles, watches and headsets get the web target whatever OS they run:
// neither store installs a phone app on them. Matched on uap-core's device family.
const NOT_A_PHONE =
  /^(?:Apple Watch|AppleTV|Chromecast|Quest|HbbTV|Inettv|GoogleTV|Roku|WebTV|Xbox|PlayStation|Nintendo)|Google TV|Android TV|smart-?tv/i;

/** The documented mapping from uap-core's labels to our three targets (README, "Platform detection"). */
export function expectedPlatform(osFamily: string, deviceFamily: string): Platform {
  if (NOT_A_PHONE.test(deviceFamily)) return 'web';
  if (osFamily === 'iOS') return 'ios';
  if (osFamily === 'Android' || osFamily === 'HarmonyOS') return 'android';
  return 'web';
}

const AGREEMENT_GOAL = 0.995;
const PER_TARGET_GOAL = 0.97;

describe('platform detection against the uap-core corpus', () => {
  const detect = createPlatformDetector({ cacheSize: 100 });
  const targets: Platform[] = ['ios', 'android', 'web'];
  const labelled = new Map(targets.map((t) => [t, { total: 0, agreed: 0 }]));
  const detected = new Map(targets.map((t) => [t, { total: 0, agreed: 0 }]));
  const misses: string[] = [];
  let agreed = 0;
  for (const [ua, os, device] of ROWS) {
    const expected = expectedPlatform(os, device);
    const got = detect(ua);
    const ok = got === expected;
    if (ok) agreed++;
    else misses.push(`  want ${expected}, got ${got}  (${os} / ${device})  ${ua}`);
    labelled.get(expected)!.total++;
    detected.get(got)!.total++;
    if (ok) {
      labelled.get(expected)!.agreed++;
      detected.get(got)!.agreed++;
    }
  }
  const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(2)}%`;
  console.log(
    [
      `uap-core corpus: ${ROWS.length} agents, agreement ${pct(agreed, ROWS.length)} (${ROWS.length - agreed} differ)`,
      ...targets.map((t) => {
        const l = labelled.get(t)!;
        const d = detected.get(t)!;
        return `  ${t.padEnd(7)} labelled ${String(l.total).padStart(5)}, detected as such ${pct(l.agreed, l.total)}; of ${d.total} detected ${t}, ${pct(d.agreed, d.total)} labelled so`;
      }),
      ...(misses.length > 20 ? [...misses.slice(0, 20), `  … and ${misses.length - 20} more`] : misses),
    ].join('\n'),
  );

  it('is large enough to mean something', () => {
    expect(ROWS.length).toBeGreaterThan(15_000);
    for (const t of targets) expect(labelled.get(t)!.total).toBeGreaterThan(250);
  });

  it(`agrees with the corpus on at least ${AGREEMENT_GOAL * 100}% of agents`, () => {
    expect(agreed / ROWS.length).toBeGreaterThanOrEqual(AGREEMENT_GOAL);
  });

  it.each(targets)(`sends at least ${PER_TARGET_GOAL * 100} in 100 agents labelled %s there`, (target) => {
    const { total, agreed: ok } = labelled.get(target)!;
    expect(ok / total).toBeGreaterThanOrEqual(PER_TARGET_GOAL);
  });
});
