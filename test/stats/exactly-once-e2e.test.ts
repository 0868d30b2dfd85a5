import { Consumer, stringDeserializers } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createDb } from '../../src/db/client.ts';
import { statsTopics } from '../../src/config/stats.ts';
import { loadOffsets } from '../../src/stats/consumer.ts';
import { STORED_LINK_BLOCK_LEVELS } from '../../src/stats/link-blocks.ts';
import { queryRows } from '../../src/stats/sql-rows.ts';
import { ANDROID_UA, DESKTOP_UA, IPHONE_UA, insertLink, testDatabaseUrl, testRedisUrl, testSql, uniqueKey } from '../support/fixtures.ts';
import { readTopicUntil, uniqueKafkaPrefix } from '../support/kafka-consumer.ts';
import { startProcess, startWebProcess, type RunningProcess } from '../support/processes.ts';
import { createStatsTopics, waitFor } from './kafka-helpers.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

// The issue's 50,000 clicks per scenario (about 50 s each on the 2-core machine);
// STATS_E2E_CLICKS sets another count for a quicker look.
const CLICKS = Number(process.env.STATS_E2E_CLICKS ?? 50_000);
const OUTAGE_MS = 10_000;
const client = testSql();
const db = createDb(client);
const running: RunningProcess[] = [];
const proxies: TcpProxy[] = [];
// Set when the file ends, so a supervised stats process killed then is not started again.
let ending = false;
afterAll(async () => {
  ending = true;
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  await Promise.all(proxies.map((p) => p.close()));
  await client.end();
});

const AGENTS = [IPHONE_UA, ANDROID_UA, DESKTOP_UA, 'curl/8.5.0', 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'];
const ADDRESSES = ['8.8.8.8', '81.2.69.142', '133.242.0.1', '200.160.2.3', '2a03:2880:f12f:83::1', '203.0.113.9'];
const REFERERS = ['', 'https://news.example.com/a?b=c', 'https://social.example/feed'];

function startWorker(env: Record<string, string>) {
  return startProcess(process.execPath, ['src/worker/index.ts'], { LOG_LEVEL: 'info', WORKER_HEARTBEAT_TTL_MS: '2000', WORKER_BATCH_SIZE: '500', ...env }, /worker draining/, 30_000);
}

function startStats(env: Record<string, string>) {
  return startProcess(process.execPath, ['src/stats/index.ts'], { LOG_LEVEL: 'info', STATS_BATCH_SIZE: '1000', ...env }, /stats consumer joined/, 60_000);
}

/**
 * A stats process restarted whenever it dies on its own, as Heroku restarts a crashed
 * dyno: postgres.js 3.4.9 crashed the process when a connection dropped inside a
 * transaction (porsager/postgres#1154, #1208; mended at install now, test/db), and the
 * counts must stay exact across any crash too.
 */
async function supervisedStats(env: Record<string, string>, restarts: { count: number }) {
  const slot: { proc: RunningProcess; killing: boolean } = { proc: await startStats(env), killing: false };
  const watch = (proc: RunningProcess) => {
    running.push(proc);
    proc.child.once('exit', () => {
      if (ending || slot.killing || slot.proc !== proc) return;
      restarts.count++;
      void startStats(env).then((next) => {
        if (ending) return void next.stop('SIGKILL');
        slot.proc = next;
        watch(next);
      });
    });
  };
  watch(slot.proc);
  return {
    output: () => slot.proc.output(),
    /** SIGKILL, then a new process in its place (the fault the test injects). */
    async kill() {
      slot.killing = true;
      await slot.proc.stop('SIGKILL');
      slot.proc = await startStats(env);
      slot.killing = false;
      watch(slot.proc);
    },
  };
}

/** Sends `total` GETs (and some HEADs, never counted) with `concurrency` at a time; answers the GETs answered 302. */
async function sendClicks(url: string, slugs: string[], total: number, onProgress: (sent: number) => Promise<void>): Promise<{ ok: number; other: Record<number, number> }> {
  let next = 0;
  let ok = 0;
  const other: Record<number, number> = {};
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const headers: Record<string, string> = { 'user-agent': AGENTS[i % AGENTS.length] as string, 'x-forwarded-for': ADDRESSES[i % ADDRESSES.length] as string };
      const referer = REFERERS[i % REFERERS.length] as string;
      if (referer) headers.referer = referer;
      const res = await fetch(`${url}/t/click/${slugs[i % slugs.length]}`, { redirect: 'manual', headers });
      if (res.status === 302) ok++;
      else other[res.status] = (other[res.status] ?? 0) + 1;
      if (i % 50 === 0) await fetch(`${url}/t/click/${slugs[i % slugs.length]}`, { method: 'HEAD', redirect: 'manual', headers });
      if (i % 1000 === 0) await onProgress(i);
    }
  };
  await Promise.all(Array.from({ length: 24 }, worker));
  return { ok, other };
}

async function counted(linkIds: number[]): Promise<number> {
  const [row] = await queryRows<{ n: string | null }>(
    db,
    sql`select sum(count)::text as n from stats_hourly where kind = 1 and link_id in (${sql.join(linkIds.map((id) => sql`${id}`), sql`, `)})`,
  );
  return Number(row?.n ?? 0);
}

/** Every partition's end offset, to tell when the consumers have folded everything. */
async function endOffsets(topics: string[]): Promise<Map<string, bigint>> {
  const consumer = new Consumer({ groupId: `ends-${Date.now()}`, clientId: 'e2e-ends', bootstrapBrokers: inject('kafkaBootstrap').split(','), deserializers: stringDeserializers });
  try {
    const offsets = await consumer.listOffsets({ topics });
    const out = new Map<string, bigint>();
    for (const [topic, partitions] of offsets) {
      for (const [p, o] of partitions.entries()) out.set(`${topic}:${p}`, o);
    }
    return out;
  } finally {
    await consumer.close(true);
  }
}

const DIMENSION_SQL = { platform: 'platform', country: 'country', device: 'device', os: 'os', browser: 'browser', referrer: 'referrer', bot: 'bot::text' } as const;

/** Per link and dimension value, from the distinct events in Kafka, as the rollups should hold them. */
function expectedFromKafka(values: string[]): Map<string, number> {
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  for (const value of values) {
    const e = JSON.parse(value);
    if (seen.has(e.click_id)) continue;
    seen.add(e.click_id);
    const dims: Record<keyof typeof DIMENSION_SQL, string> = {
      platform: e.params.platform ?? '',
      country: e.country ?? '',
      device: e.device?.type ?? '',
      os: e.os?.name ?? '',
      browser: e.browser?.name ?? '',
      referrer: e.params.referer_host ?? '',
      bot: String(e.bot === true),
    };
    for (const [dim, v] of Object.entries(dims)) {
      const key = `${e.params.link_id}|${dim}|${v}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

async function countedByDimension(linkIds: number[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [dim, column] of Object.entries(DIMENSION_SQL)) {
    const rows = await queryRows<{ link_id: string; v: string; n: string }>(
      db,
      sql`select link_id::text, ${sql.raw(column)} as v, sum(count)::text as n from stats_hourly_dims
          where kind = 1 and link_id in (${sql.join(linkIds.map((id) => sql`${id}`), sql`, `)}) group by 1, 2`,
    );
    for (const r of rows) out.set(`${r.link_id}|${dim}|${r.v}`, Number(r.n));
  }
  return out;
}

/** Clicks per link in each level of the per-link blocks and in the hourly rows: the same statement writes both. */
async function clicksPerLink(linkIds: number[]): Promise<{ levels: Record<string, number>[]; hourly: Record<string, number> }> {
  const ids = sql.join(linkIds.map((id) => sql`${id}`), sql`, `);
  const blocks = await queryRows<{ level: number; link_id: string; n: string }>(
    db,
    sql`select level, link_id::text, sum(clicks + bot_clicks)::text as n from stats_link_blocks where link_id in (${ids}) group by 1, 2`,
  );
  const hourly = await queryRows<{ link_id: string; n: string }>(db, sql`select link_id::text, sum(count)::text as n from stats_hourly where kind = 1 and link_id in (${ids}) group by 1`);
  const asRecord = (rows: { link_id: string; n: string }[]) => Object.fromEntries(rows.map((r) => [r.link_id, Number(r.n)]));
  const levels = STORED_LINK_BLOCK_LEVELS.map((level) => asRecord(blocks.filter((r) => r.level === level)));
  return { levels, hourly: asRecord(hourly) };
}

async function scenario(consumers: number) {
  const prefix = uniqueKafkaPrefix();
  await createStatsTopics(prefix, 4);
  const { topics, groupId } = statsTopics(prefix);
  const queueKey = uniqueKey();
  const links = await Promise.all(Array.from({ length: 5 }, () => insertLink(client)));
  const linkIds = links.map((l) => l.id);
  const pgPort = Number(new URL(testDatabaseUrl()).port || 5432);
  const proxy = await startTcpProxy(pgPort);
  proxies.push(proxy);
  const proxiedUrl = new URL(testDatabaseUrl());
  proxiedUrl.port = String(proxy.port);

  const web = await startWebProcess({ DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: queueKey, API_KEY: 'e2e', TRUST_PROXY: '1' });
  running.push(web);
  const workerEnv = { REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: queueKey, KAFKA_URL: inject('kafkaBootstrap'), KAFKA_PREFIX: prefix };
  let worker = await startWorker(workerEnv);
  running.push(worker);
  const statsEnv = { DATABASE_URL: proxiedUrl.toString(), KAFKA_URL: inject('kafkaBootstrap'), KAFKA_PREFIX: prefix, METRICS_LOG_INTERVAL_MS: '0' };
  const crashes = { count: 0 };
  const stats: Awaited<ReturnType<typeof supervisedStats>>[] = [];
  for (let i = 0; i < consumers; i++) stats.push(await supervisedStats(statsEnv, crashes));

  const faults = { workerKilled: false, statsKilled: false, outage: false };
  const { ok: sent, other } = await sendClicks(web.url, links.map((l) => l.slug), CLICKS, async (progress) => {
    if (!faults.workerKilled && progress >= CLICKS * 0.3) {
      faults.workerKilled = true;
      await worker.stop('SIGKILL');
      worker = await startWorker(workerEnv);
      running.push(worker);
    }
    if (!faults.statsKilled && progress >= CLICKS * 0.5 && (await counted(linkIds)) > 0) {
      faults.statsKilled = true;
      await stats[0]!.kill();
    }
    if (!faults.outage && progress >= CLICKS * 0.7) {
      faults.outage = true;
      await proxy.cut();
      setTimeout(() => void proxy.restore(), OUTAGE_MS);
    }
  });
  expect(faults).toEqual({ workerKilled: true, statsKilled: true, outage: true });
  // Only a 302 queues a click. Under this load on a shared machine a link lookup can
  // time out (404) now and then: those are no clicks, so they are not expected in the counts.
  expect(sent).toBeGreaterThan(CLICKS * 0.99);
  await waitFor(async () => (await counted(linkIds)) >= sent, 240_000, `${sent} clicks counted`).catch(async (err) => {
    const ends = await endOffsets(topics);
    console.log({ counted: await counted(linkIds), sent, stored: await loadOffsets(db, groupId), ends });
    for (const p of stats) console.log(p.output().split('\n').slice(-15).join('\n'));
    console.log('worker:', worker.output().split('\n').slice(-15).join('\n'));
    const redis = new Redis(testRedisUrl());
    for (const key of await redis.keys(`${queueKey}*`)) console.log(key, await redis.type(key), (await redis.type(key)) === 'list' ? await redis.llen(key) : '');
    console.log('queue', await redis.llen(queueKey));
    const metrics = await (await fetch(`${web.url}/metrics`)).text();
    console.log(metrics.split('\n').filter((l) => /^click(s_total|_queue)/.test(l)).join('\n'));
    redis.disconnect();
    throw err;
  });
  // Everything in Kafka folded (offsets stored up to every partition's end), then compare.
  const ends = await endOffsets(topics);
  await waitFor(async () => {
    const stored = new Map((await loadOffsets(db, groupId)).map((o) => [`${o.topic}:${o.partition}`, o.offset]));
    return [...ends].every(([key, end]) => (stored.get(key) ?? 0n) >= end);
  }, 120_000, 'all offsets stored');
  expect(await counted(linkIds)).toBe(sent);

  const messages = await readTopicUntil(`${prefix}clicks`, (m) => m.length >= Number([...ends].filter(([k]) => k.startsWith(`${prefix}clicks:`)).reduce((s, [, v]) => s + v, 0n)), 120_000);
  const distinct = new Set(messages.map((m) => m.key));
  expect(distinct.size).toBe(sent);
  expect(await countedByDimension(linkIds)).toEqual(expectedFromKafka(messages.map((m) => m.value)));
  const perLink = await clicksPerLink(linkIds);
  for (const level of perLink.levels) expect(level).toEqual(perLink.hourly);
  return { sent, other, redelivered: messages.length - distinct.size, crashes: crashes.count };
}

describe('exactly once, end to end: web → Redis → worker → Kafka → stats consumer → Postgres', () => {
  it(`counts ${CLICKS} clicks exactly, per link and dimension, through a worker and a stats consumer SIGKILLed and a 10 s Postgres outage`, async () => {
    const { sent, other, redelivered, crashes } = await scenario(1);
    console.log(`one consumer: ${sent} clicks answered 302 (others: ${JSON.stringify(other)}), ${redelivered} delivered twice by the worker, ${crashes} stats crash(es) restarted, all counted once`);
    // The stats process rides out the outage: no exit of its own (postgres.js's crash is mended, test/db).
    expect(crashes).toBe(0);
  }, 600_000);

  it(`counts ${CLICKS} clicks exactly with two stats consumers splitting the partitions, one of them SIGKILLed`, async () => {
    const { sent, other, redelivered, crashes } = await scenario(2);
    console.log(`two consumers: ${sent} clicks answered 302 (others: ${JSON.stringify(other)}), ${redelivered} delivered twice by the worker, ${crashes} stats crash(es) restarted, all counted once`);
    // The stats process rides out the outage: no exit of its own (postgres.js's crash is mended, test/db).
    expect(crashes).toBe(0);
  }, 600_000);
});
