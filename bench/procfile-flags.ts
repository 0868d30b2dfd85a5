import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ROOT = new URL('..', import.meta.url).pathname;

/** How the Procfile starts a process: `A=1 node --flag src/web/index.ts` gives `{ env: { A: '1' }, flags: ['--flag'] }`. */
export interface ProcfileStart {
  env: Record<string, string>;
  flags: string[];
}

/** The environment and Node flags the Procfile gives a process, so the benches start it exactly as a dyno does. */
export function procfileStart(processName: string, procfile = new URL('../Procfile', import.meta.url)): ProcfileStart {
  const line = readFileSync(procfile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${processName}:`));
  if (!line) throw new Error(`the Procfile has no ${processName} process`);
  const words = line.slice(processName.length + 1).trim().split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0 || !words.slice(0, node).every((w) => /^[A-Z_]+=/.test(w))) throw new Error(`the Procfile's ${processName} process does not start with node: ${line}`);
  const env = Object.fromEntries(words.slice(0, node).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  return { env, flags: words.slice(node + 1).filter((word) => word.startsWith('--')) };
}

/** `npm run build`, as a deploy runs it before any process starts (it fills the compile cache). */
export function buildAsDeployed(): void {
  const built = spawnSync(process.execPath, ['scripts/warm-compile-cache.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
}

/** `entry` spawned as the Procfile starts `processName` (its environment and flags), `env` on top; only its errors are shown. */
export function spawnAsDeployed(processName: string, entry: string, env: Record<string, string>): ChildProcess {
  const start = procfileStart(processName);
  return spawn(process.execPath, [...start.flags, entry], { env: { PATH: process.env.PATH ?? '', ...start.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}
