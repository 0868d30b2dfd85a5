import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Every child still running when the test file's process exits is killed with it, also
// when a test failed before it could stop its children.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

// Ports this process has handed out. The kernel may give the port a probe just released to
// the next probe, so two calls in a row could name the same port: a Kafka broker once got
// one port for both its listeners and refused to start (the soak failed before a click).
const handedOut = new Set<number>();

/** A port free now and never handed out before by this process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await probePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function probePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/**
 * Spawns a process and waits until its output matches `readyPattern`. A process that is
 * not ready in time, or whose wait fails for any reason, is killed before the error is
 * thrown: a test that gives up on a child never leaves it listening. The default wait is
 * long because a busy two-core machine can take many seconds to start a Node process.
 */
export async function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  readyPattern: RegExp,
  timeoutMs = 60_000,
): Promise<RunningProcess> {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  live.add(child);
  void exited.then(() => live.delete(child));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (readyPattern.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited with ${code} before it was ready:\n${output}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
  return {
    child,
    output: () => output,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A web process as the Procfile starts it (its entry point; without the memory settings, which test/deploy covers), on a port of its own. */
export async function startWebProcess(env: Record<string, string>): Promise<RunningProcess & { url: string }> {
  const port = await freePort();
  const proc = await startProcess(process.execPath, ['src/web/index.ts'], { LOG_LEVEL: 'info', ...env, PORT: String(port) }, /web listening/);
  return { ...proc, url: `http://127.0.0.1:${port}` };
}

/** A throwaway redis-server the test can stop and restart, unlike the machine's shared one. */
export async function startRedisServer(port: number): Promise<RunningProcess> {
  return startProcess(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {},
    /Ready to accept connections/,
  );
}
