import { rmSync } from 'node:fs';
import postgres from 'postgres';
import { startKafka } from '../scripts/kafka/broker.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { freePort } from '../test/support/processes.ts';

/** A database of the bench's own, made fresh each run and dropped after it. */
export async function benchDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${process.env.BENCH_DATABASE_PREFIX ?? 'clicktrack_bench'}_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** The broker at `kafkaUrl`, else a local one of the bench's own, stopped and removed after it. */
export async function benchKafka(kafkaUrl: string | undefined, name: string): Promise<{ url: string; stop: () => Promise<void> }> {
  if (kafkaUrl) return { url: kafkaUrl, stop: async () => {} };
  const dataDir = `.kafka/${name}-${process.pid}`;
  const broker = await startKafka({ port: await freePort(), controllerPort: await freePort(), dataDir });
  return {
    url: broker.bootstrap,
    stop: async () => {
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
