import { describe, expect, it } from 'vitest';
import { runChild } from './run-child.ts';

/**
 * postgres.js 3.4.9 asks each new connection for the array types in a promise nobody
 * holds: when the connection dies right then and Postgres refuses the reconnect, the
 * waiting query is rejected (handled) and that promise too (unhandled), which ends the
 * process. It ended a stats consumer starting during an outage (the exactly-once test).
 * `npm ci` mends it (scripts/patch-postgres.mjs); this checks the mend.
 */
describe('a connection lost while it fetches the array types', () => {
  it('rejects the waiting query, and the process lives on and queries again', async () => {
    const { code, output } = await runChild('test/db/types-query-lost-child.ts');
    expect(output).toMatch(/first query: rejected (ECONNREFUSED|CONNECTION_CLOSED)/);
    expect(output).toMatch(/afterwards: 42/);
    expect(code).toBe(0);
  }, 60_000);
});
