// `npm run build` fills Node's compile cache, and the Procfile's processes read it: with
// it, a web process never loads TypeScript's type stripper (amaro), about 28 MB of memory.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPILE_CACHE_DIR } from '../../scripts/warm-compile-cache.ts';
import { testDatabaseUrl, testRedisUrl, uniqueKey } from '../support/fixtures.ts';
import { readProcfile } from '../support/process-group.ts';
import { freePort, startProcess, type RunningProcess } from '../support/processes.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
});

/** The environment and Node flags the Procfile gives a process: `A=1 node --x file` gives `{ A: '1' }` and `['--x']`. */
function procfileCommand(name: string): { env: Record<string, string>; flags: string[]; entry: string } {
  const words = readProcfile(ROOT)[name]!.split(/\s+/);
  const node = words.indexOf('node');
  const env = Object.fromEntries(words.slice(0, node).map((w) => w.split('=') as [string, string]));
  const rest = words.slice(node + 1);
  return { env, flags: rest.filter((w) => w.startsWith('--')), entry: rest.at(-1)! };
}

// Reports whether the stripper was loaded, when asked (a data: URL, so the probe itself needs no stripping).
const PROBE = `data:text/javascript,process.on('SIGUSR2',()=>console.log('amaro loaded: '+process.moduleLoadList.some((m)=>m.includes('amaro'))))`;

describe('the compile cache', () => {
  it('is where the Procfile points every long-running process', () => {
    for (const name of ['web', 'worker', 'stats']) {
      expect(procfileCommand(name).env).toEqual({ NODE_COMPILE_CACHE: COMPILE_CACHE_DIR, NODE_COMPILE_CACHE_PORTABLE: '1' });
    }
  });

  it('spares a web process, started as the Procfile starts it after npm run build, the TypeScript stripper', async () => {
    execFileSync(process.execPath, ['scripts/warm-compile-cache.ts'], { cwd: ROOT, stdio: 'pipe' });
    const { env, flags, entry } = procfileCommand('web');
    const port = await freePort();
    const web = await startProcess(
      process.execPath,
      [...flags, '--import', PROBE, entry],
      { ...env, NODE_ENV: 'production', DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: uniqueKey(), API_KEY: 'test-key', PORT: String(port) },
      /web listening/,
    );
    running.push(web);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    web.child.kill('SIGUSR2');
    await expect.poll(() => web.output(), { timeout: 10_000 }).toMatch(/amaro loaded: (true|false)/);
    expect(web.output()).toMatch(/amaro loaded: false/);
  }, 120_000);
});
