import { describe, expect, it } from 'vitest';
import { runChild } from './run-child.ts';

/**
 * postgres.js 3.4.9 throws an uncatchable TypeError when a transaction's connection dies
 * (it sends ROLLBACK on the dead socket a turn later), which ends the process: every
 * Postgres restart took down the stats consumer, and could take a web process with the
 * clicks it held. `npm ci` mends it (scripts/patch-postgres.mjs); this checks the mend.
 */
describe('a transaction whose connection dies', () => {
  it('rejects, and the process lives on and queries again', async () => {
    const { code, output } = await runChild('test/db/closed-connection-child.ts');
    expect(output).toMatch(/round 1: rejected CONNECTION_CLOSED/);
    expect(output).toMatch(/round 3: rejected CONNECTION_CLOSED/);
    expect(output).not.toMatch(/TypeError/);
    expect(output).toMatch(/afterwards: 42/);
    expect(code).toBe(0);
  }, 60_000);
});
