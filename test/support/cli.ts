import { afterAll, beforeAll } from 'vitest';
import { runLinksCommand } from '../../src/cli/links-command.ts';
import { createDb, type Sql } from '../../src/db/client.ts';
import { createLinkStore, type LinkStore } from '../../src/links/link-store.ts';
import { testSql } from './fixtures.ts';

/**
 * For a describe block: a link store on the test database, and `run(...argv)` that runs a
 * CLI command in-process, as the entry does, and collects what it prints.
 */
export function cliHarness(options: { publicUrl?: string } = {}) {
  const state: { sql?: Sql; store?: LinkStore } = {};
  beforeAll(() => {
    state.sql = testSql();
    state.store = createLinkStore(createDb(state.sql));
  });
  afterAll(() => state.sql?.end());
  return {
    get store(): LinkStore {
      return state.store!;
    },
    get sql(): Sql {
      return state.sql!;
    },
    async run(...argv: string[]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runLinksCommand(argv, { store: state.store!, publicUrl: options.publicUrl, out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    },
  };
}
