// The whole pipeline under steady load while its parts fail, counting what went in and
// what came out: every click answered with a 302 must reach Kafka, exactly once but for
// the duplicates a SIGKILLed worker may cause. This is the test that would have caught
// the 9% click loss the unit tests missed.
import { afterAll, describe, expect, it } from 'vitest';
import { readTopicUntil, uniqueKafkaPrefix } from '../support/kafka-consumer.ts';
import { insertLink, testDatabaseUrl, testSql, uniqueKey, uniqueSlug } from '../support/fixtures.ts';
import { percentile, startClickLoad } from './click-load.ts';
import { openPipeline, WORKER_BATCH_SIZE, type Pipeline } from './pipeline.ts';

const CLICKS = Number(process.env.SOAK_CLICKS ?? 20_000);
const PER_SECOND = Number(process.env.SOAK_RATE ?? 400);
const PUSH_TIMEOUT_MS = 50;
const WORKERS = 2;
/** The Kafka stop and the two Redis kills. */
const INTERRUPTING_FAULTS = 3;
// HEAD probes of the same link beside the clicks (click-load.ts): what the machine itself
// added to an answer. The test's client, two web processes, two workers, Redis, Kafka,
// Postgres and whatever else runs share two cores; a CI run on a busy host saw p99 357 ms
// and a max of 745 ms with every fault handled, where a quiet one sees 39 and 73.
const PROBES_PER_SECOND = 100;
// What a click may wait beyond the push bound and beyond the slowest probe of the same five
// seconds: its own work (a push given up on, a line to the buffer or the spool). Below the
// 400 ms Redis pauses, so a click that waited one out fails the test.
const LATENCY_MARGIN_MS = 250;
// A bound the probes cannot excuse: a web process whose event loop stood still as long as a
// Redis outage lasts (6 s) would have held its probes as well. CPU starvation alone has shown
// answers of up to 2.8 s on this kind of machine (load average 10-15).
const BACKSTOP_MS = 5_000;

const sql = testSql();
let pipeline: Pipeline | undefined;
afterAll(async () => {
  await pipeline?.close();
  await sql.end();
});

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
}

describe('pipeline soak with faults', () => {
  it('loses no click answered with a 302 while Redis, Kafka, a worker and a web process fail', async () => {
    const kafkaPrefix = uniqueKafkaPrefix();
    const queueKey = uniqueKey('soak_queue');
    const p = (pipeline = await openPipeline({ databaseUrl: testDatabaseUrl(), queueKey, kafkaPrefix }));
    const slug = uniqueSlug('soak');
    await insertLink(sql, {
      slug,
      targets: { ios: 'https://example.com/ios?c={click_id}', android: 'https://example.com/android?c={click_id}', default: 'https://example.com/web?c={click_id}' },
    });
    await Promise.all([p.startRedis(), p.startKafka()]);
    await p.redis.connect();
    let webA = await p.startWeb();
    const webB = await p.startWeb();
    let worker1 = await p.startWorker('soak-1');
    await p.startWorker('soak-2');

    // Each web process answers some HEAD requests first (HEAD is never queued): the link is
    // cached and the route compiled before the clock starts, so the first seconds' answer
    // times measure the faults, not a cold process (a first-window max of 701 ms was seen).
    for (const web of [webA, webB]) {
      for (let i = 0; i < 50; i++) await fetch(`${web.url}/t/click/${slug}`, { method: 'HEAD', redirect: 'manual' });
    }

    const log: string[] = [];
    const load = startClickLoad({ urls: [webA.url, webB.url], slug, total: CLICKS, perSecond: PER_SECOND, probesPerSecond: PROBES_PER_SECOND });
    const started = performance.now();
    const wallStart = Date.now();
    const at = async (seconds: number, what: string) => {
      const wait = started + seconds * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      log.push(`${((performance.now() - started) / 1000).toFixed(1)} s (click ${load.sent}): ${what}`);
    };

    for (const s of [3, 5, 7]) {
      await at(s, 'Redis writes paused for 400 ms');
      await p.redis.call('CLIENT', 'PAUSE', '400', 'WRITE');
    }
    await at(9, 'worker soak-1 SIGKILLed');
    await worker1.stop('SIGKILL');
    let leftInSlots = 0;
    for (const slot of await p.redis.keys(`${queueKey}:processing:soak-1:*`)) leftInSlots += await p.redis.llen(slot);
    await at(12, 'worker soak-1 started again');
    worker1 = await p.startWorker('soak-1');
    await at(15, 'Kafka stopped');
    await p.stopKafka();
    await at(22, 'Kafka started again');
    await p.startKafka();
    await at(28, 'Redis SIGKILLed');
    // Taken before the kill: the web process may notice (and log) before the kill returns.
    const outageFrom = Date.now();
    await p.killRedis();
    await at(29, 'web A out of rotation and stopped during the outage');
    await load.drain(webA.url);
    const stopCode = await webA.stop('SIGTERM', 30_000);
    log.push(`web A exited with ${stopCode}: ${/spool/.test(webA.output()) ? 'spilled to the spool' : 'nothing spilled'}`);
    webA = await p.startWeb();
    load.add(webA.url);
    await at(34, 'Redis started again (its data kept)');
    const outageTo = Date.now();
    await p.startRedis();
    await at(40, 'Redis SIGKILLed again');
    await p.killRedis();
    await at(42, 'Redis started again');
    await p.startRedis();

    const answers = await load.done;
    log.push(`load done after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const redirected = answers.filter((a) => a.status === 302);
    const sentIds = new Set(redirected.map((a) => a.clickId));
    const seen = new Map<string, number>();
    await readTopicUntil(
      `${kafkaPrefix}clicks`,
      (messages) => {
        const key = messages.at(-1)?.key ?? '';
        seen.set(key, (seen.get(key) ?? 0) + 1);
        return [...sentIds].every((id) => id !== undefined && seen.has(id));
      },
      180_000,
      p.kafkaBootstrap,
    );
    const missing = [...sentIds].filter((id) => id === undefined || !seen.has(id));
    const duplicates = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
    const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    const spilled = (await metric(webB.url, 'click_queue_spilled_total')) + (await metric(webA.url, 'click_queue_spilled_total'));
    const restored = (await metric(webB.url, 'click_queue_restored_total')) + (await metric(webA.url, 'click_queue_restored_total'));

    console.log(
      [
        'pipeline soak:',
        ...log.map((line) => `  ${line}`),
        `  clicks sent ${answers.length}, answered 302 ${redirected.length}, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
        `  in Kafka: ${seen.size} distinct click ids, ${missing.length} missing, ${duplicates} duplicates (killed worker held ${leftInSlots} lines)`,
        `  latency ms: p50 ${percentile(latencies, 50).toFixed(1)}, p99 ${percentile(latencies, 99).toFixed(1)}, max ${latencies.at(-1)?.toFixed(1)}`,
        `  by 5 s window from the start, max latency ms: ${windows(answers.map((a) => [a.at, a.ms]), Math.max)}`,
        `  by 5 s window, HEAD probes' max latency ms: ${windows(load.probes.map((a) => [a.at, a.ms]), Math.max)}`,
        `  by 5 s window, duplicates: ${windows([...seen].filter(([, n]) => n > 1).map(([id, n]) => [uuidv7Ms(id) - wallStart, n - 1]), (a, b) => a + b)}`,
        `  spool: ${spilled} lines spilled, ${restored} restored (web A's count covers its second life only)`,
      ].join('\n'),
    );
    expect(answers.filter((a) => a.status !== 302).slice(0, 5)).toEqual([]);
    expect(redirected.length).toBe(CLICKS);
    expect(sentIds.size).toBe(CLICKS);
    expect(missing).toEqual([]);
    // At least once: a fault between a delivery and its acknowledgement repeats that
    // delivery. The killed worker repeats what its slots held; a stopped broker or a killed
    // Redis repeats at most the batch each worker had in flight at that moment.
    const allowance = leftInSlots + INTERRUPTING_FAULTS * WORKERS * WORKER_BATCH_SIZE;
    console.log(`  duplicates allowed: ${allowance} (the killed worker's ${leftInSlots} + ${INTERRUPTING_FAULTS} faults x ${WORKERS} workers x ${WORKER_BATCH_SIZE})`);
    expect(duplicates).toBeLessThanOrEqual(allowance);
    // No click waited on a failing backend beyond the push bound: per 5 s window, the slowest
    // click against the slowest probe of the same processes in the same seconds.
    expect(load.probes.filter((a) => a.status !== 302).slice(0, 5)).toEqual([]);
    const probeMax = byWindow(load.probes.map((a) => [a.at, a.ms]), Math.max);
    const clickMax = byWindow(answers.map((a) => [a.at, a.ms]), Math.max);
    const overBound = [...clickMax]
      .filter(([w, ms]) => ms >= (probeMax.get(w) ?? 0) + PUSH_TIMEOUT_MS + LATENCY_MARGIN_MS)
      .map(([w, ms]) => `${w * 5}-${w * 5 + 5} s: click ${Math.round(ms)} ms, probe ${Math.round(probeMax.get(w) ?? 0)} ms`);
    expect(overBound).toEqual([]);
    expect(latencies.at(-1)).toBeLessThan(BACKSTOP_MS);
    expect(stopCode).toBe(0);
    // An outage is logged when it starts, not once a second: web B saw Redis gone for
    // several seconds and says so once (a reconnect that fails again may add one more).
    const outageLogs = webB
      .output()
      .split('\n')
      .filter((line) => /click store unavailable/.test(line))
      .map((line) => (JSON.parse(line) as { time: number }).time)
      // From 2 s before: a push that stalled just before the kill may have said it first.
      .filter((time) => time >= outageFrom - 2_000 && time <= outageTo);
    console.log(`  web B logged the ${((outageTo - outageFrom) / 1000).toFixed(1)} s Redis outage ${outageLogs.length} time(s)`);
    expect(outageLogs.length).toBeGreaterThanOrEqual(1);
    expect(outageLogs.length).toBeLessThanOrEqual(2);
  }, 600_000);
});

/** Folds [ms, value] pairs into 5-second windows, keyed by the window's number. */
function byWindow(pairs: Array<[number, number]>, fold: (a: number, b: number) => number): Map<number, number> {
  const folded = new Map<number, number>();
  for (const [ms, value] of pairs) {
    const w = Math.max(0, Math.floor(ms / 5000));
    const had = folded.get(w);
    folded.set(w, had === undefined ? value : fold(had, value));
  }
  return folded;
}

/** The same, as "0-5: v, 5-10: v, ...". */
function windows(pairs: Array<[number, number]>, fold: (a: number, b: number) => number): string {
  return [...byWindow(pairs, fold)]
    .sort(([a], [b]) => a - b)
    .map(([w, v]) => `${w * 5}-${w * 5 + 5}: ${Math.round(v)}`)
    .join(', ');
}

/** The creation time a UUIDv7 carries in its first 48 bits. */
function uuidv7Ms(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
