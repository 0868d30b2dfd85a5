import { describe, expect, it } from 'vitest';
import { createClickQueue, type ClickQueueObserver } from '../../src/queue/click-queue.ts';
import type { ClickStore } from '../../src/queue/click-store.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { silentLogger } from '../support/fixtures.ts';

type Mode = 'up' | 'down' | 'stalled';

function fakeStore(name: string) {
  const lines: string[] = [];
  let mode: Mode = 'up';
  const stalled: Array<() => void> = [];
  const store: ClickStore & { lines: string[]; set(mode: Mode): void } = {
    name,
    lines,
    set(next) {
      mode = next;
      if (next !== 'stalled') for (const release of stalled.splice(0)) release();
    },
    push(batch) {
      if (mode === 'down') return Promise.reject(new Error(`${name} down`));
      if (mode === 'stalled') return new Promise((_, reject) => stalled.push(() => reject(new Error('timeout')))); 
      lines.push(...batch);
      return Promise.resolve();
    },
    ping: () => (mode === 'up' ? Promise.resolve() : Promise.reject(new Error('down'))),
    close: () => Promise.resolve(),
  };
  return store;
}

function countingObserver() {
  const counts = { pushFailed: 0, buffered: 0, dropped: 0, bufferSize: 0, spilled: 0, restored: 0 };
  const observer: ClickQueueObserver = {
    pushFailed: () => void counts.pushFailed++,
    buffered: (n) => void (counts.buffered += n),
    dropped: (n) => void (counts.dropped += n),
    bufferSize: (n) => void (counts.bufferSize = n),
    spilled: (n) => void (counts.spilled += n),
    restored: (n) => void (counts.restored += n),
  };
  return { counts, observer };
}

const fast = { pushTimeoutMs: 20, retryIntervalMs: 10, storeCooldownMs: 30 };

describe('click queue', () => {
  it('pushes straight to a healthy store', async () => {
    const store = fakeStore('a');
    const queue = createClickQueue([store], silentLogger, fast);
    await expect(queue.push('l1')).resolves.toBe('queued');
    expect(store.lines).toEqual(['l1']);
  });

  it('spreads pushes over several stores', async () => {
    const a = fakeStore('a');
    const b = fakeStore('b');
    const queue = createClickQueue([a, b], silentLogger, fast);
    for (let i = 0; i < 10; i++) await queue.push(`l${i}`);
    expect(a.lines).toHaveLength(5);
    expect(b.lines).toHaveLength(5);
  });

  it('sends clicks to the store that is up while another is down', async () => {
    const a = fakeStore('a');
    const b = fakeStore('b');
    a.set('down');
    const queue = createClickQueue([a, b], silentLogger, fast);
    const outcomes = [];
    for (let i = 0; i < 10; i++) outcomes.push(await queue.push(`l${i}`));
    await queue.drain(1_000);
    expect(b.lines.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `l${i}`).sort());
    expect(outcomes.filter((o) => o === 'buffered').length).toBeLessThanOrEqual(1);
  });

  it('buffers while the only store is down and delivers in order when it is back', async () => {
    const store = fakeStore('a');
    store.set('down');
    const { counts, observer } = countingObserver();
    const queue = createClickQueue([store], silentLogger, fast, observer);
    for (let i = 0; i < 5; i++) expect(await queue.push(`l${i}`)).toBe('buffered');
    expect(queue.bufferedLines).toBe(5);
    expect(counts.buffered).toBe(5);
    store.set('up');
    await expect.poll(() => store.lines, { timeout: 2_000 }).toEqual(['l0', 'l1', 'l2', 'l3', 'l4']);
    expect(queue.bufferedLines).toBe(0);
    expect(counts.bufferSize).toBe(0);
  });

  it('answers within the push timeout when a store stalls, and keeps the line', async () => {
    const store = fakeStore('a');
    store.set('stalled');
    const queue = createClickQueue([store], silentLogger, fast);
    const started = performance.now();
    await expect(queue.push('slow')).resolves.toBe('pending');
    expect(performance.now() - started).toBeLessThan(500);
    // The stalled store is skipped at once for the next click instead of costing another timeout.
    await expect(queue.push('next')).resolves.toBe('buffered');
    store.set('up');
    await expect.poll(() => store.lines.sort(), { timeout: 2_000 }).toEqual(['next', 'slow']);
  });

  it('logs an outage once: a slow push that succeeds after the store went down does not say it is back', async () => {
    const messages: string[] = [];
    const logger = createLogger('info', 'test', { write: (line: string) => void messages.push(JSON.parse(line).msg) });
    let release: () => void = () => {};
    let mode: 'slow' | 'down' | 'up' = 'slow';
    const store: ClickStore = {
      name: 'a',
      push: () => (mode === 'slow' ? new Promise<void>((resolve) => (release = resolve)) : mode === 'down' ? Promise.reject(new Error('a down')) : Promise.resolve()),
      ping: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const queue = createClickQueue([store], logger, { ...fast, storeCooldownMs: 0 });
    // Sent before the outage and given up on by the timeout: the store is marked down.
    await expect(queue.push('slow')).resolves.toBe('pending');
    mode = 'down';
    await expect(queue.push('failed')).resolves.toBe('buffered');
    // The old push's answer arrives in the middle of the outage.
    release();
    await new Promise((r) => setTimeout(r, 5));
    await expect(queue.push('failed again')).resolves.toBe('buffered');
    const said = () => messages.filter((m) => /click store/.test(m));
    expect(said()).toEqual(['click store unavailable; buffering clicks']);
    // A push sent after the outage began does say it.
    mode = 'up';
    await expect.poll(said, { timeout: 2_000 }).toEqual(['click store unavailable; buffering clicks', 'click store reachable again']);
    await queue.close();
  });

  it('drops and counts past the buffer bound instead of growing without limit', async () => {
    const store = fakeStore('a');
    store.set('down');
    const { counts, observer } = countingObserver();
    const queue = createClickQueue([store], silentLogger, { ...fast, bufferMaxLines: 3 }, observer);
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await queue.push(`l${i}`));
    expect(outcomes).toEqual(['buffered', 'buffered', 'buffered', 'dropped', 'dropped']);
    expect(counts.dropped).toBe(2);
    expect(queue.bufferedLines).toBe(3);
    await queue.close();
  });

  it('keeps flushing after a retry found the buffer already empty', async () => {
    // Found by the statistics' end-to-end test: a retry timer that fired after the flush loop
    // had emptied the buffer left a settled flush behind, and later buffered clicks stayed
    // in memory for good.
    const lines: string[] = [];
    let mode: 'down' | 'slow' | 'up' = 'down';
    const store: ClickStore = {
      name: 'a',
      push: (batch) => {
        if (mode === 'down') return Promise.reject(new Error('down'));
        const delay = mode === 'slow' ? 200 : 0;
        mode = mode === 'slow' ? 'up' : mode;
        return new Promise((resolve) => setTimeout(() => resolve(void lines.push(...batch)), delay));
      },
      ping: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const queue = createClickQueue([store], silentLogger, { pushTimeoutMs: 20, retryIntervalMs: 50, storeCooldownMs: 5_000 });
    expect(await queue.push('l0')).toBe('buffered');
    mode = 'slow';
    // Near the end of l0's 200 ms flush (it starts 50 ms after l0), l1 is buffered and arms a
    // retry for 50 ms later; the loop sends l1 at once and is done before that retry fires.
    await new Promise((resolve) => setTimeout(resolve, 230));
    await queue.push('l1');
    await expect.poll(() => lines.length, { timeout: 2_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    mode = 'down';
    expect(await queue.push('l2')).toBe('buffered');
    mode = 'up';
    await expect.poll(() => [...lines].sort(), { timeout: 2_000 }).toEqual(['l0', 'l1', 'l2']);
    await queue.close();
  });

  it('drain flushes the buffer and reports what could not be sent', async () => {
    const store = fakeStore('a');
    store.set('down');
    const queue = createClickQueue([store], silentLogger, fast);
    await queue.push('l1');
    await expect(queue.drain(100)).resolves.toBe(1);
    store.set('up');
    await expect(queue.drain(1_000)).resolves.toBe(0);
    expect(store.lines).toEqual(['l1']);
  });
});

describe('click queue batching', () => {
  it('sends clicks of the same tick as one push, and caps a batch at 1000 lines', async () => {
    const store = fakeStore('a');
    const pushes: number[] = [];
    const push = store.push.bind(store);
    store.push = (lines) => {
      pushes.push(lines.length);
      return push(lines);
    };
    const queue = createClickQueue([store], silentLogger, fast);
    const outcomes = await Promise.all(Array.from({ length: 2500 }, (_, i) => queue.push(`l${i}`)));
    expect(outcomes.every((o) => o === 'queued')).toBe(true);
    expect(pushes).toEqual([1000, 1000, 500]);
    expect(store.lines).toEqual(Array.from({ length: 2500 }, (_, i) => `l${i}`));
  });
});

describe('click queue stopping during an outage', () => {
  it('spills every line exactly once while retry timers keep firing', async () => {
    const store = fakeStore('a');
    store.set('down');
    const spilled: string[] = [];
    // A slow spool: retry timers fire many times while one write is under way.
    const spool = {
      write: async (lines: readonly string[]) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        spilled.push(...lines);
      },
      restore: async () => 0,
      size: async () => spilled.length,
    };
    // The stop begins before the lines are old enough for the retry loop to spill them, so
    // the retry loop starts spilling while the stop's own spill is still writing.
    const queue = createClickQueue([store], silentLogger, { ...fast, retryIntervalMs: 5, spool, spillAfterMs: 50, bufferMaxLines: 100_000 });
    const sent = Array.from({ length: 25_000 }, (_, i) => `l${i}`);
    await Promise.all(sent.map((line) => queue.push(line)));
    await expect(queue.drain(20_000)).resolves.toBe(0);
    expect(spilled.length).toBe(sent.length);
    expect(new Set(spilled).size).toBe(sent.length);
    await queue.close();
  }, 30_000);
});
