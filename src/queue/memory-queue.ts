import type { WorkList } from './work-list.ts';
import type { ClickStore } from './click-store.ts';

/**
 * The embedded default's queue: the web process pushes the same encoded lines it would
 * LPUSH to Redis, and the same drain loop takes them, in one process. Nothing survives a
 * restart; that is the trade for needing nothing installed, and why production uses Redis.
 */
export class MemoryQueue implements WorkList {
  /** Oldest first. */
  private lines: string[] = [];
  private readonly slots = new Map<number, string[]>();
  private waiters: Array<() => void> = [];
  private readonly maxLines: number;

  constructor(maxLines = 1_000_000) {
    this.maxLines = maxLines;
  }

  /** A ClickStore view for the web side. */
  store(): ClickStore {
    return {
      name: 'memory',
      push: async (lines) => {
        if (this.lines.length + lines.length > this.maxLines) throw new Error('embedded queue is full');
        this.lines.push(...lines);
        for (const wake of this.waiters.splice(0)) wake();
      },
      ping: async () => {},
      close: async () => {},
    };
  }

  private slot(n: number): string[] {
    let lines = this.slots.get(n);
    if (!lines) this.slots.set(n, (lines = []));
    return lines;
  }

  async take(slot: number, max: number): Promise<string[]> {
    const lines = this.slot(slot);
    if (lines.length < max) lines.push(...this.lines.splice(0, max - lines.length));
    return [...lines];
  }

  async waitForLine(slot: number, timeoutSeconds: number): Promise<boolean> {
    if (this.lines.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutSeconds * 1000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const line = this.lines.shift();
    if (line === undefined) return false;
    this.slot(slot).push(line);
    return true;
  }

  /** Broken lines are counted by the worker's metrics; with no Redis there is no dead-letter list to keep them in. */
  async ack(slot: number, _invalidEntries: string[]): Promise<void> {
    this.slots.delete(slot);
  }

  async requeue(slot: number): Promise<number> {
    const lines = this.slots.get(slot) ?? [];
    this.lines.unshift(...lines);
    this.slots.delete(slot);
    return lines.length;
  }

  async heartbeat(): Promise<void> {}
  async retire(): Promise<void> {}
  async recoverOrphans(): Promise<number> {
    return 0;
  }

  async length(): Promise<number> {
    return this.lines.length;
  }
}
