import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { createDb } from '../src/db/client.ts';
import { createLinkRepository } from '../src/links/link-repository.ts';

export interface TierResult {
  lookupsPerSecond: number;
  /** Latency of one batch of lookups. */
  batchP50Ms: number;
  batchP99Ms: number;
}

export interface LinkTiersBench {
  batch: number;
  postgres: TierResult;
  redis: TierResult;
  /** Redis memory per link, stored as the compact JSON a second tier would hold. */
  redisBytesPerLink: number;
}

const slugOf = (n: number) => `l-${String(n).padStart(7, '0')}`;

/** Runs `batch` lookups of random slugs over and over on `concurrency` lanes for `seconds`. */
async function drive(seconds: number, concurrency: number, lookupBatch: () => Promise<unknown>, batch: number): Promise<TierResult> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await lookupBatch();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { lookupsPerSecond: (latencies.length * batch) / elapsed, batchP50Ms: at(0.5), batchP99Ms: at(0.99) };
}

/**
 * What a miss costs from each place a link could come from: Postgres (one `= any()` query
 * per batch, as the cache sends them) and Redis (one MGET per batch of the compact JSON a
 * second tier would keep, parsed), with the same batches and concurrency, one after the
 * other. Redis holds `redisLinks` links for the measurement and forgets them after.
 */
export async function benchLinkTiers(opts: { databaseUrl: string; redisUrl: string; links: number; redisLinks: number; seconds: number }): Promise<LinkTiersBench> {
  const batch = 32;
  const concurrency = 4;
  const sql = postgres(opts.databaseUrl, { max: concurrency, onnotice: () => {} });
  const redis = new Redis(opts.redisUrl);
  const prefix = `clicktrack_bench:${process.pid}:link:`;
  try {
    const repository = createLinkRepository(createDb(sql));
    const randomSlugs = (count: number) => Array.from({ length: batch }, () => slugOf(1 + randomInt(count)));
    await repository.findBySlugs(randomSlugs(opts.links)); // prepare the statement
    const pg = await drive(opts.seconds, concurrency, () => repository.findBySlugs(randomSlugs(opts.links)), batch);

    // Fill Redis with what it would hold per link.
    const chunk = 1_000;
    for (let first = 1; first <= opts.redisLinks; first += chunk) {
      const slugs = Array.from({ length: Math.min(chunk, opts.redisLinks - first + 1) }, (_, i) => slugOf(first + i));
      const links = await repository.findBySlugs(slugs);
      const pipeline = redis.pipeline();
      for (const link of links) pipeline.set(prefix + link.slug, JSON.stringify(link));
      await pipeline.exec();
    }
    // MEMORY USAGE of a sample (key, value and Redis's own bookkeeping per key): the shared
    // Redis's used_memory moves with everyone else's keys too.
    const sample = Array.from({ length: 1_000 }, () => prefix + slugOf(1 + randomInt(opts.redisLinks)));
    const usage = await Promise.all(sample.map((key) => redis.memory('USAGE', key)));
    const redisBytesPerLink = usage.reduce<number>((sum, n) => sum + Number(n ?? 0), 0) / sample.length;
    const rd = await drive(
      opts.seconds,
      concurrency,
      async () => {
        const values = await redis.mget(randomSlugs(opts.redisLinks).map((slug) => prefix + slug));
        return values.map((v) => (v === null ? null : JSON.parse(v)));
      },
      batch,
    );
    return { batch, postgres: pg, redis: rd, redisBytesPerLink };
  } finally {
    // Delete what was written, in chunks, whatever happened above.
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5_000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
    await sql.end();
  }
}
