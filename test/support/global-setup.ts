import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { ensureKafka } from './kafka.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisPrefix: string;
    kafkaBootstrap: string;
    runId: string;
  }
}

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// Not db 0: that is where a developer's own `npm start` or `npm run worker` keeps its lists.
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/9';

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * Every run gets its own database and Redis key prefix, so parallel runs on one machine
 * (a developer's and CI's) never see each other's links or lines.
 */
export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await admin`select 1`;
  } catch (err) {
    throw new Error(
      `Tests need PostgreSQL at ${adminUrl} (${(err as Error).message}). Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_DATABASE_URL.`,
    );
  }
  await dropAbandonedDatabases(admin);
  const dbName = `clicktrack_test_${runId}`;
  await admin.unsafe(`create database "${dbName}"`);
  const databaseUrl = withDatabase(adminUrl, dbName);
  await migrateDatabase(databaseUrl);

  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
    throw new Error(
      `Tests need Redis at ${redisUrl} (${(err as Error).message}). Start it (redis-server --daemonize yes --port 6379) or set TEST_REDIS_URL.`,
    );
  }
  const redisPrefix = `clicktrack_test:${runId}:`;

  // Started (or reused) last: the slowest part, and pointless if the others are missing.
  const kafka = await ensureKafka(process.env);

  project.provide('runId', runId);
  project.provide('kafkaBootstrap', kafka.bootstrap);
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('redisPrefix', redisPrefix);

  return async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
    await kafka.stop();
  };
}

/**
 * A run killed before its teardown leaves its database behind. Names carry their start
 * time, so databases of runs that started over six hours ago (none still running) go.
 */
async function dropAbandonedDatabases(admin: postgres.Sql): Promise<void> {
  const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'clicktrack_test_%'`;
  const cutoff = Date.now() - 6 * 60 * 60 * 1000;
  for (const { datname } of rows) {
    const started = parseInt(datname.slice('clicktrack_test_'.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(started) && started < cutoff) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  }
}
