import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.ts';
import { createClickQueue, type ClickQueue } from '../../src/queue/click-queue.ts';
import { createPostgresSpool } from '../../src/queue/click-spool.ts';
import { createRedisClickStore } from '../../src/queue/redis-click-store.ts';
import { silentLogger, testSql } from '../support/fixtures.ts';
import { ownRedisServer } from '../support/own-redis.ts';

const own = ownRedisServer();
const sql = testSql();
const db = createDb(sql);
const queues: ClickQueue[] = [];

// Runs before the server is killed (after hooks run in reverse order of registration).
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await sql.end();
});

let keyN = 0;
const key = () => `faults:${process.pid}:${keyN++}`;
const lines = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

function queueFor(queueKey: string, options: Parameters<typeof createClickQueue>[2] = {}): ClickQueue {
  const store = createRedisClickStore(own.url, { queueKey, commandTimeoutMs: 1_000 });
  const queue = createClickQueue([store], silentLogger, { pushTimeoutMs: 20, retryIntervalMs: 50, storeCooldownMs: 100, ...options });
  queues.push(queue);
  return queue;
}

/** Spool rows whose line starts with the tag: each test tags its own lines. */
async function spooled(tag: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from click_spool where line like ${`${tag}-%`}`;
  return row?.n ?? 0;
}

describe('click queue against a real Redis with faults', () => {
  it('delivers every click across brief write pauses, and the buffer keeps flushing after each', async () => {
    const queueKey = key();
    // The production timings: pauses longer than the push timeout send clicks to the
    // buffer, and a flush timer that fired on an emptied buffer used to stop every later flush.
    const queue = queueFor(queueKey, { pushTimeoutMs: 50, retryIntervalMs: 250, storeCooldownMs: 1_000 });
    await expect.poll(() => queue.push('warm-up'), { timeout: 10_000 }).toBe('queued');
    const sent = lines('pause', 4_000);
    const pauses: Promise<unknown>[] = [];
    // Clicks arrive steadily for about 4 s while writes pause for 300 ms four times.
    for (let i = 0; i < sent.length; i++) {
      if (i % 1_000 === 200) pauses.push(own.redis.call('CLIENT', 'PAUSE', '300', 'WRITE'));
      void queue.push(sent[i]!);
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(pauses);
    const pauseLines = async () => (await own.redis.lrange(queueKey, 0, -1)).filter((line) => line.startsWith('pause-'));
    await expect.poll(async () => (await pauseLines()).length, { timeout: 15_000, interval: 100 }).toBe(sent.length);
    const stored = new Set(await pauseLines());
    expect(sent.filter((line) => !stored.has(line))).toEqual([]);
    expect(queue.bufferedLines).toBe(0);
  }, 60_000);

  it('spills to Postgres during an outage and restores to Redis when it is back', async () => {
    const queueKey = key();
    const spool = createPostgresSpool(db, queueKey);
    const queue = queueFor(queueKey, { spool, spillAfterMs: 100, restoreIntervalMs: 100 });
    await expect.poll(() => queue.push('warm-up'), { timeout: 10_000 }).toBe('queued');
    await own.server.stop('SIGTERM');
    const sent = lines('outage', 2_000);
    const outcomes = await Promise.all(sent.map((line) => queue.push(line)));
    expect(outcomes.filter((o) => o === 'dropped')).toEqual([]);
    await expect.poll(() => spooled('outage'), { timeout: 10_000 }).toBe(sent.length);
    expect(queue.bufferedLines).toBe(0);

    await own.restart();
    await expect.poll(() => spooled('outage'), { timeout: 15_000 }).toBe(0);
    const stored = await own.redis.lrange(queueKey, 0, -1);
    expect(stored.filter((line) => line.startsWith('outage-')).sort()).toEqual([...sent].sort());
  }, 60_000);

  it('a process stopped during an outage spills what it holds, and another brings it back exactly once', async () => {
    const queueKey = key();
    const stopping = queueFor(queueKey, { spool: createPostgresSpool(db, queueKey), spillAfterMs: 60_000 });
    await expect.poll(() => stopping.push('warm-up'), { timeout: 10_000 }).toBe('queued');
    await own.server.stop('SIGTERM');
    const sent = lines('stopped', 5_000);
    await Promise.all(sent.map((line) => stopping.push(line)));
    // spillAfterMs is long: only the stop makes these lines go to the spool.
    expect(await spooled('stopped')).toBe(0);
    const started = Date.now();
    expect(await stopping.drain(20_000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await spooled('stopped')).toBe(sent.length);

    // Two fresh processes restore side by side: row locks keep them from pushing a line twice.
    await own.restart();
    const a = queueFor(queueKey, { spool: createPostgresSpool(db, queueKey), restoreIntervalMs: 20, flushBatchLines: 100 });
    const b = queueFor(queueKey, { spool: createPostgresSpool(db, queueKey), restoreIntervalMs: 20, flushBatchLines: 100 });
    await Promise.all([a.push('warm-a'), b.push('warm-b')]);
    await expect.poll(() => spooled('stopped'), { timeout: 20_000 }).toBe(0);
    const stored = (await own.redis.lrange(queueKey, 0, -1)).filter((line) => line.startsWith('stopped-'));
    expect(stored.length).toBe(sent.length);
    expect(new Set(stored).size).toBe(sent.length);
  }, 60_000);

  it('drops only when memory is full and the spool refuses too, and counts it', async () => {
    const queueKey = key();
    const dropped: number[] = [];
    const brokenSpool = {
      write: () => Promise.reject(new Error('postgres down')),
      restore: () => Promise.reject(new Error('postgres down')),
      size: () => Promise.resolve(0),
    };
    const store = createRedisClickStore('redis://127.0.0.1:1/0', { queueKey, commandTimeoutMs: 200 });
    const queue = createClickQueue(
      [store],
      silentLogger,
      { pushTimeoutMs: 20, retryIntervalMs: 20, bufferMaxLines: 100, spool: brokenSpool, spillAfterMs: 0 },
      { pushFailed() {}, buffered() {}, bufferSize() {}, spilled() {}, restored() {}, dropped: (n) => void dropped.push(n) },
    );
    queues.push(queue);
    await Promise.all(lines('full', 150).map((line) => queue.push(line)));
    await expect.poll(() => dropped.reduce((a, b) => a + b, 0)).toBe(50);
    expect(queue.bufferedLines).toBe(100);
  });
});
