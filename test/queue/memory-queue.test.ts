import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/queue/memory-queue.ts';

describe('in-memory queue (the embedded default)', () => {
  it('hands lines to the worker oldest first, a slot at a time', async () => {
    const queue = new MemoryQueue();
    await queue.store().push(['a', 'b', 'c']);
    expect(await queue.take(0, 2)).toEqual(['a', 'b']);
    expect(await queue.length()).toBe(1);
    // A slot that still holds lines is handed out again as it is, topped up to the batch size.
    expect(await queue.take(0, 3)).toEqual(['a', 'b', 'c']);
  });

  it('forgets a slot once acknowledged, and returns it to the front when requeued', async () => {
    const queue = new MemoryQueue();
    await queue.store().push(['a', 'b', 'c']);
    await queue.take(0, 1);
    await queue.take(1, 1);
    await queue.ack(0, []);
    expect(await queue.requeue(1)).toBe(1);
    expect(await queue.take(0, 5)).toEqual(['b', 'c']);
  });

  it('wakes a waiting worker when a line arrives, and times out when none does', async () => {
    const queue = new MemoryQueue();
    const waiting = queue.waitForLine(0, 10);
    await queue.store().push(['x']);
    await expect(waiting).resolves.toBe(true);
    expect(await queue.take(0, 5)).toEqual(['x']);
    await expect(queue.waitForLine(1, 0.05)).resolves.toBe(false);
  });

  it('refuses a push past its bound, so the click queue buffers instead of growing memory', async () => {
    const queue = new MemoryQueue(2);
    await queue.store().push(['a', 'b']);
    await expect(queue.store().push(['c'])).rejects.toThrow(/full/);
    expect(await queue.length()).toBe(2);
  });
});
