// `npm run build` (Heroku's Node.js buildpack runs it after `npm ci`): fills Node's compile
// cache with every module under src/, so the processes never load TypeScript's type
// stripper (amaro, WebAssembly) at run time. Loaded, it costs a process about 28 MB of
// memory for its whole life (a web process idles at 115 MB with the cache, 143 MB without).
// The Procfile and the npm scripts point NODE_COMPILE_CACHE at the same directory; the
// cache is portable (keyed relative to it), since Heroku builds the slug in another
// directory than the one it runs from. A module changed after the build misses the cache
// and is stripped as usual.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { flushCompileCache } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

export const COMPILE_CACHE_DIR = '.node-compile-cache';
const ROOT = new URL('..', import.meta.url).pathname;
/** Started by the Procfile: loading one runs it, so each is loaded in a process of its own that stops at its settings check. */
const ENTRY_POINTS = ['src/web/index.ts', 'src/worker/index.ts', 'src/stats/index.ts'];
/** Commands with their own entry points, not long-running processes: no need to warm them. */
const SKIPPED = ['src/cli/links.ts', 'src/db/migrate-cli.ts', 'src/worker/create-topics.ts'];

function modules(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const cacheEnv = { NODE_COMPILE_CACHE: COMPILE_CACHE_DIR, NODE_COMPILE_CACHE_PORTABLE: '1' };

if (process.argv[2] === '--libraries') {
  // In a process started with the cache on: importing a library module only defines things.
  for (const file of modules('src').filter((f) => !ENTRY_POINTS.includes(f) && !SKIPPED.includes(f))) await import(pathToFileURL(join(ROOT, file)).href);
  flushCompileCache();
  process.exit(0);
} else {
  const run = (args: string[], env: Record<string, string>) => spawnSync(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...cacheEnv, ...env }, encoding: 'utf8', timeout: 120_000 });
  const libraries = run([relative(ROOT, new URL(import.meta.url).pathname), '--libraries'], {});
  if (libraries.status !== 0) throw new Error(`warming the compile cache failed: ${libraries.stderr}`);
  // Production without its settings: each entry point loads its static imports, then refuses to start.
  for (const entry of ENTRY_POINTS) run([entry], { NODE_ENV: 'production' });
  console.log(`compile cache warmed in ${COMPILE_CACHE_DIR}/`);
}
