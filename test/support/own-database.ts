import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { testDatabaseUrl } from './fixtures.ts';

/**
 * An empty database of the test's own, beside the run's shared one, for a test that must own
 * every row (a prune) or start from nothing (a new add-on). Named under the run's id, so the
 * global setup drops it with the run's own if the test never got to `drop`.
 */
export interface OwnDatabase {
  url: string;
  /** Drops it, connections and all. */
  drop(): Promise<void>;
}

export async function createOwnDatabase(label: string): Promise<OwnDatabase> {
  const name = `clicktrack_test_${inject('runId')}_${label}_${randomUUID().slice(0, 8)}`;
  const adminUrl = new URL(testDatabaseUrl());
  adminUrl.pathname = '/postgres';
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
