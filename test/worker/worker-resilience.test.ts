import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startKafka } from '../../scripts/kafka/broker.ts';
import { clickLine, pushLines, testRedis, testRedisUrl, uniqueKey } from '../support/fixtures.ts';
import { readTopic, readTopicUntil, uniqueKafkaPrefix } from '../support/kafka-consumer.ts';
import { freePort, startProcess, type RunningProcess } from '../support/processes.ts';
import { startTestWorker } from '../support/worker-runtime.ts';

const redis = testRedis();
const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  redis.disconnect();
});

const ids = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

function keysOf(messages: { key: string | undefined }[]) {
  const seen = new Map<string, number>();
  for (const m of messages) seen.set(m.key ?? '', (seen.get(m.key ?? '') ?? 0) + 1);
  return { unique: seen.size, duplicates: messages.length - seen.size, has: (id: string) => seen.has(id) };
}

async function workerProcess(env: Record<string, string>): Promise<RunningProcess> {
  const proc = await startProcess(
    process.execPath,
    ['src/worker/index.ts'],
    { REDIS_URL: testRedisUrl(), KAFKA_URL: inject('kafkaBootstrap'), WORKER_HEARTBEAT_TTL_MS: '1000', LOG_LEVEL: 'info', ...env },
    /worker draining/,
  );
  running.push(proc);
  return proc;
}

describe('worker resilience', () => {
  it('loses nothing when a worker is SIGKILLed mid-batch and another takes over', async () => {
    const queueKey = uniqueKey();
    const prefix = uniqueKafkaPrefix();
    const all = ids(20_000, 'crash');
    await pushLines(redis, queueKey, all.map((id) => clickLine(id)));
    const env = { REDIS_QUEUE_KEY: queueKey, KAFKA_PREFIX: prefix };

    const first = await workerProcess({ ...env, WORKER_ID: 'crash-a' });
    await expect.poll(() => redis.llen(queueKey), { timeout: 20_000, interval: 5 }).toBeLessThan(15_000);
    await first.stop('SIGKILL');
    const slots = await redis.keys(`${queueKey}:processing:crash-a:*`);
    let leftInSlots = 0;
    for (const slot of slots) leftInSlots += await redis.llen(slot);

    const second = await workerProcess({ ...env, WORKER_ID: 'crash-b' });
    const keys = new Set<string>();
    const messages = await readTopicUntil(
      `${prefix}clicks`,
      (got) => {
        // Called once per arriving message.
        keys.add(got.at(-1)?.key ?? '');
        return keys.size >= all.length;
      },
      60_000,
    );
    const seen = keysOf(messages);
    console.log(`crash test: ${messages.length} messages for ${all.length} clicks, ${seen.duplicates} duplicates (lines in the killed worker's slots: ${leftInSlots})`);
    expect(all.filter((id) => !seen.has(id))).toEqual([]);
    expect(seen.duplicates).toBeLessThanOrEqual(leftInSlots);
    await expect.poll(() => redis.llen(queueKey)).toBe(0);
    expect(await redis.keys(`${queueKey}:processing:crash-a:*`)).toEqual([]);
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 120_000);

  it('two workers at once lose nothing and write nothing twice, even under one name', async () => {
    const queueKey = uniqueKey();
    const prefix = uniqueKafkaPrefix();
    const all = ids(10_000, 'pair');
    await pushLines(redis, queueKey, all.map((id) => clickLine(id)));
    const a = await startTestWorker({ REDIS_QUEUE_KEY: queueKey, KAFKA_PREFIX: prefix, WORKER_ID: 'pair-a', WORKER_BATCH_SIZE: '200' });
    // The same name, as an old and a new Heroku `worker.1` overlapping during a restart.
    const b = await startTestWorker({ REDIS_QUEUE_KEY: queueKey, KAFKA_PREFIX: prefix, WORKER_ID: 'pair-a', WORKER_BATCH_SIZE: '200' });
    try {
      // Ask for one more than expected: a duplicate would show up within the wait.
      const messages = await readTopic(`${prefix}clicks`, all.length + 1, 8_000);
      const seen = keysOf(messages);
      expect(all.filter((id) => !seen.has(id))).toEqual([]);
      expect(seen.duplicates).toBe(0);
      expect(messages).toHaveLength(all.length);
      const [sa, sb] = [await a.metrics.summary(), await b.metrics.summary()];
      expect(sa.delivered + sb.delivered).toBe(all.length);
      expect(Math.min(sa.delivered, sb.delivered)).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 60_000);

  it('keeps the backlog in Redis while Kafka is down and delivers all of it when Kafka is back', async () => {
    const port = await freePort();
    const controllerPort = await freePort();
    const dataDir = `.kafka/test-outage-${port}`;
    let kafka = await startKafka({ port, controllerPort, dataDir });
    const queueKey = uniqueKey();
    const prefix = uniqueKafkaPrefix();
    const before = ids(3_000, 'before');
    const during = ids(1_000, 'during');
    try {
      await pushLines(redis, queueKey, before.map((id) => clickLine(id)));
      const worker = await startTestWorker({ REDIS_QUEUE_KEY: queueKey, KAFKA_PREFIX: prefix, KAFKA_URL: kafka.bootstrap, WORKER_BATCH_SIZE: '100' });
      try {
        await expect.poll(() => redis.llen(queueKey), { timeout: 20_000, interval: 5 }).toBeLessThan(2_500);
        await kafka.stop();
        await pushLines(redis, queueKey, during.map((id) => clickLine(id)));
        // Wait for the worker to find Kafka gone (a failed produce), not for a fixed time.
        await expect.poll(async () => (await worker.metrics.summary()).produceErrors, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
        const waiting = await redis.llen(queueKey);
        expect(waiting).toBeGreaterThanOrEqual(during.length);

        kafka = await startKafka({ port, controllerPort, dataDir });
        const messages = await readTopic(`${prefix}clicks`, before.length + during.length, 60_000, kafka.bootstrap);
        const seen = keysOf(messages);
        console.log(`outage test: ${messages.length} messages for ${before.length + during.length} clicks, ${seen.duplicates} duplicates`);
        expect([...before, ...during].filter((id) => !seen.has(id))).toEqual([]);
      } finally {
        await worker.stop();
      }
    } finally {
      await kafka.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('on SIGTERM takes no new batch, returns the undelivered one and exits within 10 s', async () => {
    const queueKey = uniqueKey();
    const all = ids(300, 'term');
    await pushLines(redis, queueKey, all.map((id) => clickLine(id)));
    // Nothing listens there: every produce fails, so the batch can only be returned.
    const deadPort = await freePort();
    const metricsPort = await freePort();
    const worker = await workerProcess({
      REDIS_QUEUE_KEY: queueKey,
      KAFKA_URL: `127.0.0.1:${deadPort}`,
      KAFKA_PREFIX: uniqueKafkaPrefix(),
      WORKER_BATCH_SIZE: '100',
      WORKER_METRICS_PORT: String(metricsPort),
    });
    await expect.poll(() => redis.llen(queueKey), { timeout: 10_000 }).toBeLessThan(300);
    // The failing produce shows in the metrics the operator scrapes.
    await expect
      .poll(async () => (await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).match(/^worker_produce_errors_total (\d+)/m)?.[1] ?? 0, { timeout: 10_000 })
      .toSatisfy((n) => Number(n) > 0);
    const started = performance.now();
    expect(await worker.stop('SIGTERM', 15_000)).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await redis.llen(queueKey)).toBe(300);
    expect(worker.output()).toMatch(/returned undelivered lines/);
  });

  it('on SIGTERM while its Redis is down exits within 10 s, and loses nothing', async () => {
    // A redis-server of this test's own, with its data kept, so it can be stopped and restarted.
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'ct-redis-'));
    const startRedis = () =>
      startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], {}, /Ready to accept connections/);
    let server = await startRedis();
    running.push(server);
    const own = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    own.on('error', () => {});
    try {
      const queueKey = uniqueKey();
      const all = ids(2_000, 'down');
      await pushLines(own, queueKey, all.map((id) => clickLine(id)));
      const prefix = uniqueKafkaPrefix();
      const env = { REDIS_URL: `redis://127.0.0.1:${port}/0`, REDIS_QUEUE_KEY: queueKey, KAFKA_PREFIX: prefix, WORKER_BATCH_SIZE: '100' };
      const worker = await workerProcess(env);
      await expect.poll(() => own.llen(queueKey), { timeout: 20_000, interval: 5 }).toBeLessThan(all.length);
      await server.stop('SIGKILL');
      const started = performance.now();
      expect(await worker.stop('SIGTERM', 30_000)).toBe(0);
      const seconds = (performance.now() - started) / 1000;
      console.log(`worker stop with Redis down: ${seconds.toFixed(1)} s`);
      expect(seconds).toBeLessThan(10);

      // Whatever it held is still in Redis; a new worker delivers it all.
      server = await startRedis();
      running.push(server);
      await workerProcess({ ...env, WORKER_HEARTBEAT_TTL_MS: '1000' });
      const keys = new Set<string>();
      const messages = await readTopicUntil(`${prefix}clicks`, (got) => {
        keys.add(got.at(-1)?.key ?? '');
        return keys.size >= all.length;
      }, 60_000);
      expect(all.filter((id) => !keysOf(messages).has(id))).toEqual([]);
    } finally {
      own.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
