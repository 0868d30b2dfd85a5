import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadWebConfig } from '../../src/config/web.ts';
import { heapShortfall } from '../../src/web/heap-budget.ts';
import { readProcfile } from '../support/process-group.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** The V8 heap limit of a process started with the Procfile's flags for `name`. */
function procfileHeapLimit(name: string): number {
  const words = readProcfile(ROOT)[name]!.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  return Number(execFileSync(process.execPath, [...flags, '-p', "require('node:v8').getHeapStatistics().heap_size_limit"], { encoding: 'utf8' }));
}

describe('heap budget', () => {
  it('lets the default settings start under the heap limit the Procfile gives the web process', () => {
    const limit = procfileHeapLimit('web');
    // The Procfile does cap the heap (else this test would prove nothing).
    expect(limit).toBeLessThan(1024 * 2 ** 20);
    expect(heapShortfall(loadWebConfig({}), limit)).toBeUndefined();
  });

  it('names the settings and the flag when a full cache and buffer would not fit', () => {
    const message = heapShortfall({ LINK_CACHE_MAX_MB: 512, CLICK_BUFFER_MAX_LINES: 100_000 }, procfileHeapLimit('web'));
    expect(message).toMatch(/LINK_CACHE_MAX_MB \(512 MB\)/);
    expect(message).toMatch(/CLICK_BUFFER_MAX_LINES \(100000/);
    expect(message).toMatch(/--max-old-space-size/);
  });
});
