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
  return pid === undefined ? Number.NaN : statCpuMs(`/proc/${pid}/stat`);
}

/** User + system CPU (ms) from a /proc `stat` file: a process's or, under `task/`, one thread's. */
function statCpuMs(path: string): number {
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    // Fields after the command name (which may hold spaces) start at its closing paren.
    const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
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

/**
 * CPU time (ms) this process's threads have used so far, summed by thread name: Node's main
 * thread is `MainThread`, a worker thread `WorkerThread`, V8's garbage collector helpers
 * `V8Worker`. Empty where /proc is missing.
 */
export function ownThreadsCpuMs(): Map<string, number> {
  const byName = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
        byName.set(name, (byName.get(name) ?? 0) + statCpuMs(`/proc/self/task/${tid}/stat`));
      } catch {
        // ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return byName;
}
