import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// Linux reports a process's CPU time in clock ticks (usually 100 a second).
let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system) a process has used so far, in ms; NaN where /proc is missing.
 * The bench divides it by the requests a run answered: CPU per click holds steadier than
 * requests per second on a machine other work shares, because waiting for a core costs
 * throughput but not CPU time.
 */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    // Fields after the command name (which may hold spaces) start at its closing paren.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}

/** CPU time (ms) used so far by every process whose command name is `comm` (e.g. all Postgres backends). */
export function commandCpuMs(comm: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) total += processCpuMs(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
