// Processes run the way a Heroku dyno runs a Procfile line: `bash -c <command>` in a process
// group of its own, stopped by SIGTERM to every process in the group, SIGKILL 30 s later.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface GroupOptions {
  cwd: string;
  /** The whole environment: nothing is inherited, so a test states every variable it relies on. */
  env: Record<string, string>;
  /** Output that means "up"; startProcessGroup rejects, with the output, if it never comes. */
  ready: RegExp;
  timeoutMs?: number;
  /** Run as another user (a root test machine starting PostgreSQL, which refuses root). */
  uid?: number;
  gid?: number;
}

export interface GroupExit {
  /** The leader's (the Procfile command's) exit. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GroupStop extends GroupExit {
  /** From the signal until the last process of the group was gone. */
  ms: number;
  /** Some process outlived the grace period and was SIGKILLed, as Heroku does after 30 s. */
  killed: boolean;
}

export interface ProcessGroup {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves when the output (from the start) matches, rejects after timeoutMs or on exit. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The leader's exit; other processes of the group may still be running. */
  exited: Promise<GroupExit>;
  /** `signal` to every process of the group, SIGKILL after graceMs (Heroku: 30 s); resolves when all are gone. */
  terminate(signal?: NodeJS.Signals, graceMs?: number): Promise<GroupStop>;
  /** Sends `signal` to every process of the group, nothing more. */
  signal(signal: NodeJS.Signals): void;
  kill(): void;
}

const groups = new Set<number>();
// A failed test file must not leave servers holding ports: detached groups outlive us otherwise.
process.once('exit', () => {
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
});

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export async function startProcessGroup(name: string, command: string, options: GroupOptions): Promise<ProcessGroup> {
  const child = spawn('bash', ['-c', command], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name}: could not spawn \`${command}\``);
  groups.add(pid);
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of listeners) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const exited = new Promise<GroupExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    for (const check of listeners) check();
  });

  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${name}: no ${pattern} after ${timeoutMs} ms. Output:\n${output}`)), timeoutMs);
      const finish = (err?: Error) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (pattern.test(output)) finish();
        else if (hasExited) finish(new Error(`${name} exited (code ${child.exitCode}, signal ${child.signalCode}) before ${pattern}. Output:\n${output}`));
      };
      listeners.add(check);
      check();
    });

  const group: ProcessGroup = {
    child,
    pid,
    output: () => output,
    waitFor,
    exited,
    async terminate(signal = 'SIGTERM', graceMs = 30_000) {
      const started = Date.now();
      signalGroup(pid, signal);
      let killed = false;
      // The leader may exit before its children (npm does on SIGTERM): wait for the whole group.
      while (signalGroup(pid, 0)) {
        if (!killed && Date.now() - started > graceMs) {
          killed = true;
          signalGroup(pid, 'SIGKILL');
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      groups.delete(pid);
      return { ...(await exited), ms: Date.now() - started, killed };
    },
    signal(signal) {
      signalGroup(pid, signal);
    },
    kill() {
      signalGroup(pid, 'SIGKILL');
      groups.delete(pid);
    },
  };
  try {
    await waitFor(options.ready, options.timeoutMs ?? 30_000);
  } catch (err) {
    group.kill();
    throw err;
  }
  return group;
}

/** Runs a one-off command (a release phase) in its own group to the end; rejects with its output on timeout. */
export async function runProcessGroup(name: string, command: string, options: Omit<GroupOptions, 'ready'>): Promise<GroupExit & { output: string }> {
  const group = await startProcessGroup(name, command, { ...options, ready: /^/ });
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      group.kill();
      reject(new Error(`${name} still running after ${timeoutMs} ms. Output:\n${group.output()}`));
    }, timeoutMs);
  });
  try {
    const exit = await Promise.race([group.exited, timedOut]);
    return { ...exit, output: group.output() };
  } finally {
    clearTimeout(timer);
  }
}

/** `name: command` lines of the Procfile in `dir`, as Heroku reads them. */
export function readProcfile(dir: string): Record<string, string> {
  const entries = readFileSync(path.join(dir, 'Procfile'), 'utf8')
    .split('\n')
    .map((line) => /^([A-Za-z0-9_-]+):\s*(.+?)\s*$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] as string, m[2] as string] as const);
  return Object.fromEntries(entries);
}

/**
 * A dyno's environment: the app's config vars, plus the PATH and HOME every dyno has. The
 * project's node_modules/.bin comes first so `node` is the pinned Node 24, as the buildpack's is.
 */
export function dynoEnv(appDir: string, vars: Record<string, string>): Record<string, string> {
  return { PATH: `${path.join(appDir, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? homedir(), ...vars };
}
