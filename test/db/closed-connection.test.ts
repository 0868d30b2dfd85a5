import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/fixtures.ts';

/**
 * postgres.js 3.4.9 throws an uncatchable TypeError when a transaction's connection dies
 * (it sends ROLLBACK on the dead socket a turn later), which ends the process: every
 * Postgres restart took down the stats consumer, and could take a web process with the
 * clicks it held. `npm ci` mends it (scripts/patch-postgres.mjs); this checks the mend.
 */
describe('a transaction whose connection dies', () => {
  it('rejects, and the process lives on and queries again', async () => {
    const child = spawn(process.execPath, ['test/db/closed-connection-child.ts'], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(output).toMatch(/round 1: rejected CONNECTION_CLOSED/);
      expect(output).toMatch(/round 3: rejected CONNECTION_CLOSED/);
      expect(output).not.toMatch(/TypeError/);
      expect(output).toMatch(/afterwards: 42/);
      expect(code).toBe(0);
    } finally {
      clearTimeout(timer);
      child.kill('SIGKILL');
    }
  }, 60_000);
});
