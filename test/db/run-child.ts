import { spawn } from 'node:child_process';
import { testDatabaseUrl } from '../support/fixtures.ts';

/**
 * Runs a script in a process of its own, with the test database: what it checks can end a
 * process, which must not be the test runner's. Killed after `timeoutMs` at the latest.
 */
export async function runChild(script: string, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, DATABASE_URL: testDatabaseUrl() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, output };
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
}
