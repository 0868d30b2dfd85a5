import { describe, expect, it } from 'vitest';
import { ownRedisServer } from '../../support/own-redis.ts';
import { startTestRuntime } from '../../support/web-runtime.ts';
import { ADMIN_KEY, createWriteKey, decodeAll, send } from './ingest-helpers.ts';

const own = ownRedisServer();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('events while Redis is down or stalled', () => {
  it('answers 200 and loses none: every accepted event reaches Redis once, after the outage', async () => {
    const runtime = await startTestRuntime({ API_KEY: ADMIN_KEY, REDIS_URL: own.url, CLICK_SPILL_AFTER_MS: '500' });
    const { key } = await createWriteKey(runtime.app, 'Faults app');
    const delivered: string[] = [];
    let n = 0;
    const answers: number[] = [];
    const sendBatches = async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        const batch = Array.from({ length: 100 }, () => ({ event: 'install', messageId: `fault-${n++}` }));
        const res = await send(runtime.app, '/v1/batch', key, { batch });
        answers.push(res.status);
        await sleep(20);
      }
    };
    /** What the worker would take: everything on the list, oldest first. */
    const drain = async (): Promise<number> => {
      const raw = await own.redis.lrange(runtime.queueKey, 0, -1);
      if (raw.length > 0) await own.redis.ltrim(runtime.queueKey, 0, -raw.length - 1);
      delivered.push(...decodeAll(raw.reverse()).map((l) => l.params.message_id ?? ''));
      return delivered.length;
    };

    await sendBatches(5); // Redis up
    await expect.poll(drain, { timeout: 10_000 }).toBe(500);

    // Down: nothing listens. The buffer holds the lines, then the Postgres spool.
    await own.server.stop('SIGKILL');
    await sendBatches(10);
    await sleep(1_000);
    await own.restart();

    // Stalled: the server freezes mid-stream (pushes and dedupe time out), then thaws.
    await sendBatches(3);
    own.server.child.kill('SIGSTOP');
    await sendBatches(5);
    own.server.child.kill('SIGCONT');
    await sendBatches(2);

    const sent = n;
    await expect.poll(drain, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(sent);
    await sleep(1_000);
    await drain();
    expect(answers.every((status) => status === 200)).toBe(true);
    const unique = new Set(delivered);
    const missing = Array.from({ length: sent }, (_, i) => `fault-${i}`).filter((id) => !unique.has(id));
    console.log(`events sent ${sent}, delivered ${delivered.length}, missing ${missing.length}, duplicates ${delivered.length - unique.size}`);
    expect(missing).toEqual([]);
    // Each event was sent once, so a repeat could only come from the queue itself.
    expect(delivered.length - unique.size).toBe(0);
    // The faults did bite: lines went through the buffer (and the spool) on their way.
    const metrics = await (await runtime.app.request('/metrics')).text();
    const counter = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    console.log(`buffered ${counter('click_queue_buffered_total')}, spilled ${counter('click_queue_spilled_total')}, restored ${counter('click_queue_restored_total')}`);
    expect(counter('click_queue_buffered_total')).toBeGreaterThan(0);
    expect(counter('click_queue_spilled_total')).toBeGreaterThan(0);
  }, 90_000);
});
