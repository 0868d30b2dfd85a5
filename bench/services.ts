import postgres from 'postgres';
import { migrateDatabase } from '../src/db/migrate.ts';

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
