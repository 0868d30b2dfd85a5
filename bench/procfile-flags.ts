import { readFileSync } from 'node:fs';

/**
 * The Node flags the Procfile gives a process (`web: node --flag src/web/index.ts` gives
 * `['--flag']`), so the benches start it exactly as a dyno does.
 */
export function procfileNodeFlags(processName: string, procfile = new URL('../Procfile', import.meta.url)): string[] {
  const line = readFileSync(procfile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${processName}:`));
  if (!line) throw new Error(`the Procfile has no ${processName} process`);
  const words = line.slice(processName.length + 1).trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`the Procfile's ${processName} process does not start with node: ${line}`);
  return words.slice(1).filter((word) => word.startsWith('--'));
}
