import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { encodeLine } from '../src/shared/click-line.ts';
import { createLogger } from '../src/shared/logger.ts';
import { loadWorkerConfig } from '../src/config/worker.ts';
import { startWorkerRuntime } from '../src/worker/runtime.ts';
import { readFileSync } from 'node:fs';
import { startProcess } from '../test/support/processes.ts';
import { buildAsDeployed, procfileStart, type ProcfileStart } from './procfile-flags.ts';
import { benchKafka } from './services.ts';
import { USER_AGENTS } from './user-agents.ts';

export interface WorkerBench {
  lines: number;
  plain: number;
  enriched: number;
  /** Median over rounds of enriched / plain, each pair run back to back. */
  ratio: number;
  /** The worker as the Procfile starts it, its own process draining the same lines: its RSS, highest seen and idle after. */
  process: WorkerProcessRun;
  /** The same without the Procfile's V8 flags. */
  processDefaults: WorkerProcessRun;
}

export interface WorkerProcessRun {
  linesPerSecond: number;
  peakRssMb: number;
  idleRssMb: number;
}

const rssKb = (pid: number, field = 'VmRSS') =>
  Number(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))?.split(/\s+/)[1] ?? 0);

function makeLines(n: number): string[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) =>
    encodeLine({
      // Random public-looking IPv4 addresses: GeoIP lookups are not all the same one.
      ip: `${(i * 7919) % 223 + 1}.${(i * 104729) % 256}.${(i * 31) % 256}.${i % 256}`,
      ts: now,
      topic: 'clicks',
      type: '/t/click',
      params: { click_id: randomUUID(), link_id: '1', slug: 'bench', campaign: 'bench', platform: 'ios', adid: randomUUID() },
      userAgent: USER_AGENTS[i % USER_AGENTS.length]!,
    }),
  );
}

/** Lines per second from a pre-filled list into Kafka, with and without enrichment. */
export async function benchWorker(opts: { redisUrl: string; kafkaUrl?: string; lines: number; rounds: number }): Promise<WorkerBench> {
  const kafka = await benchKafka(opts.kafkaUrl, 'bench');
  const kafkaUrl = kafka.url;
  const stopKafka = kafka.stop;
  const redis = new Redis(opts.redisUrl);
  const lines = makeLines(opts.lines);
  const logger = createLogger('warn', 'bench');
  const run = async (enrich: boolean): Promise<number> => {
    const queueKey = `clicktrack_bench:${randomUUID()}`;
    for (let i = 0; i < lines.length; i += 5000) await redis.lpush(queueKey, ...lines.slice(i, i + 5000));
    const config = loadWorkerConfig({ REDIS_URL: opts.redisUrl, REDIS_QUEUE_KEY: queueKey, KAFKA_URL: kafkaUrl, KAFKA_PREFIX: `bench_${process.pid}_`, METRICS_LOG_INTERVAL_MS: '0' });
    const worker = await startWorkerRuntime(config, logger, { enrich });
    const started = performance.now();
    void worker.run();
    while ((await worker.metrics.summary()).delivered < lines.length) await new Promise((r) => setTimeout(r, 10));
    const seconds = (performance.now() - started) / 1000;
    await worker.stop();
    await redis.del(queueKey);
    return lines.length / seconds;
  };
  // The worker as the Procfile starts it, on a full list, its memory sampled as it drains.
  const workerProcess = async (start: ProcfileStart): Promise<WorkerProcessRun> => {
    const queueKey = `clicktrack_bench:${randomUUID()}`;
    for (let i = 0; i < lines.length; i += 5000) await redis.lpush(queueKey, ...lines.slice(i, i + 5000));
    const started = performance.now();
    const worker = await startProcess(
      process.execPath,
      [...start.flags, 'src/worker/index.ts'],
      { ...start.env, REDIS_URL: opts.redisUrl, REDIS_QUEUE_KEY: queueKey, KAFKA_URL: kafkaUrl, KAFKA_PREFIX: `bench_${process.pid}_`, NODE_ENV: 'production', LOG_LEVEL: 'info', METRICS_LOG_INTERVAL_MS: '0' },
      /./,
    );
    try {
      const pid = worker.child.pid!;
      let peakKb = 0;
      while ((await redis.llen(queueKey)) > 0) {
        peakKb = Math.max(peakKb, rssKb(pid));
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (performance.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 2_000));
      peakKb = Math.max(peakKb, rssKb(pid, 'VmHWM'));
      return { linesPerSecond: lines.length / seconds, peakRssMb: peakKb / 1024, idleRssMb: rssKb(pid) / 1024 };
    } finally {
      await worker.stop();
      await redis.del(queueKey);
    }
  };
  try {
    await run(true); // warm-up: topic creation, JIT, UA cache
    const plain: number[] = [];
    const enriched: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      plain.push(await run(false));
      enriched.push(await run(true));
    }
    const ratios = plain.map((p, i) => enriched[i]! / p).sort((a, b) => a - b);
    buildAsDeployed();
    return {
      lines: opts.lines,
      plain: Math.max(...plain),
      enriched: Math.max(...enriched),
      ratio: ratios[Math.floor(ratios.length / 2)]!,
      process: await workerProcess(procfileStart('worker')),
      processDefaults: await workerProcess({ env: {}, flags: [] }),
    };
  } finally {
    redis.disconnect();
    await stopKafka();
  }
}
