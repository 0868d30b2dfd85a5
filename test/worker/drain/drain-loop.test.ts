import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../../src/queue/memory-queue.ts';
import { createDrainLoop } from '../../../src/worker/drain/drain-loop.ts';
import type { OutgoingMessage } from '../../../src/worker/sink/event-sink.ts';
import { silentLogger } from '../../support/fixtures.ts';

const observer = { delivered() {}, produceFailed() {} };
const prepare = (raw: string[]) => ({
  messages: raw.map((line): OutgoingMessage => ({ topic: 'clicks', key: line, value: line })),
  invalid: [],
  klags: [],
});

describe('drain loop', () => {
  it('retries a failed acknowledgement instead of delivering the batch again', async () => {
    const queue = new MemoryQueue();
    await queue.store().push(Array.from({ length: 10 }, (_, i) => `l${i}`));
    const sent: string[] = [];
    let ackFailures = 1;
    // Redis fails right after Kafka took the batch: the acknowledgement is lost.
    const list = Object.assign(Object.create(queue) as MemoryQueue, {
      ack: async (slot: number, invalid: string[]) => {
        if (ackFailures-- > 0) throw new Error('Redis connection lost');
        return queue.ack(slot, invalid);
      },
    });
    const loop = createDrainLoop(list, queue, { name: 'test', send: async (m) => void sent.push(...m.map((x) => x.value)), close: async () => {} }, prepare, silentLogger, observer, {
      batchSize: 5,
      backoffInitialMs: 10,
    });
    void loop.run();
    await expect.poll(() => sent.length, { timeout: 5_000 }).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await loop.stop(1_000);
    expect(sent.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `l${i}`).sort());
    expect(await queue.length()).toBe(0);
  });
});
