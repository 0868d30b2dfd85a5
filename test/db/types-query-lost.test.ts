import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/fixtures.ts';

/**
 * postgres.js 3.4.9 asks each new connection for the array types in a promise nobody
 * holds: when the connection dies right then and Postgres refuses the reconnect, the
 * waiting query is rejected (handled) and that promise too (unhandled), which ends the
 * process. It ended a stats consumer starting during an outage (the exactly-once test).
 * `npm ci` mends it (scripts/patch-postgres.mjs); this checks the mend.
 */
describe('a connection lost while it fetches the array types', () => {
  it('rejects the waiting query, and the process lives on and queries again', async () => {
    const child = spawn(process.execPath, ['test/db/types-query-lost-child.ts'], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(output).toMatch(/first query: rejected (ECONNREFUSED|CONNECTION_CLOSED)/);
      expect(output).toMatch(/afterwards: 42/);
      expect(code).toBe(0);
    } finally {
      clearTimeout(timer);
      child.kill('SIGKILL');
    }
  }, 60_000);
});
