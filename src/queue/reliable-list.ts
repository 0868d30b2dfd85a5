import type { Redis } from 'ioredis';
import type { WorkList } from './work-list.ts';

/**
 * The Redis side of at-least-once draining. Lines move atomically (Lua) from the click
 * list into a processing list ("slot") owned by one worker, and leave it only when the
 * worker acknowledges them after Kafka did. A crash therefore leaves lines in a slot,
 * never nowhere: the same worker takes its slots back first when it restarts, and any
 * worker returns the slots of a worker whose heartbeat has expired to the click list.
 */

// Tops a slot up to ARGV[1] lines from the oldest end of the click list and returns the
// slot oldest first. A slot that still holds lines (a restart) is re-delivered as is.
const TAKE = `
local have = redis.call('LLEN', KEYS[2])
local want = tonumber(ARGV[1]) - have
for i = 1, want do
  if not redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT') then break end
end
local items = redis.call('LRANGE', KEYS[2], 0, -1)
local n = #items
for i = 1, math.floor(n / 2) do items[i], items[n - i + 1] = items[n - i + 1], items[i] end
return items
`;

// Dead-letters the invalid lines (ARGV) and forgets the slot, in one step.
const ACK = `
for i = 1, #ARGV do redis.call('LPUSH', KEYS[2], ARGV[i]) end
redis.call('DEL', KEYS[1])
return #ARGV
`;

// Puts a slot's lines back at the oldest end of the click list, in their order, so they
// are taken next. With KEYS[3] given, only when that worker's heartbeat has expired.
const REQUEUE = `
if KEYS[3] and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local moved = 0
while redis.call('LMOVE', KEYS[2], KEYS[1], 'LEFT', 'RIGHT') do moved = moved + 1 end
return moved
`;

export interface ReliableListKeys {
  queue: string;
  invalid: string;
}

export class ReliableList implements WorkList {
  readonly redis: Redis;
  readonly keys: ReliableListKeys;
  readonly workerId: string;

  constructor(redis: Redis, keys: ReliableListKeys, workerId: string) {
    this.redis = redis;
    this.keys = keys;
    this.workerId = workerId;
    redis.defineCommand('clicktrackTake', { numberOfKeys: 2, lua: TAKE });
    redis.defineCommand('clicktrackAck', { numberOfKeys: 2, lua: ACK });
    redis.defineCommand('clicktrackRequeue2', { numberOfKeys: 2, lua: REQUEUE });
    redis.defineCommand('clicktrackRequeue3', { numberOfKeys: 3, lua: REQUEUE });
  }

  /** The processing list of this worker's slot n; its name says whose it is. */
  slotKey(slot: number): string {
    return `${this.keys.queue}:processing:${this.workerId}:${slot}`;
  }

  private get registryKey(): string {
    return `${this.keys.queue}:processing`;
  }

  private aliveKey(workerId: string): string {
    return `${this.keys.queue}:alive:${workerId}`;
  }

  async take(slot: number, max: number): Promise<string[]> {
    return (this.redis as unknown as Scripts).clicktrackTake(this.keys.queue, this.slotKey(slot), max);
  }

  /** Blocks until the click list has a line, moving it into the slot; false on timeout. */
  async waitForLine(slot: number, timeoutSeconds: number): Promise<boolean> {
    const moved = await this.redis.blmove(this.keys.queue, this.slotKey(slot), 'RIGHT', 'LEFT', timeoutSeconds);
    return moved !== null;
  }

  async ack(slot: number, invalidEntries: string[]): Promise<void> {
    await (this.redis as unknown as Scripts).clicktrackAck(this.slotKey(slot), this.keys.invalid, ...invalidEntries);
  }

  /** Returns a slot's lines to the click list (a graceful stop with work not delivered). */
  async requeue(slot: number): Promise<number> {
    return (this.redis as unknown as Scripts).clicktrackRequeue2(this.keys.queue, this.slotKey(slot));
  }

  /** Announces the slots and keeps them from being claimed while this worker lives. */
  async heartbeat(slots: number, ttlMs: number): Promise<void> {
    const pipeline = this.redis.multi().set(this.aliveKey(this.workerId), String(Date.now()), 'PX', ttlMs);
    for (let slot = 0; slot < slots; slot++) pipeline.sadd(this.registryKey, this.slotKey(slot));
    await pipeline.exec();
  }

  async retire(slots: number): Promise<void> {
    const pipeline = this.redis.multi().del(this.aliveKey(this.workerId));
    for (let slot = 0; slot < slots; slot++) pipeline.srem(this.registryKey, this.slotKey(slot));
    await pipeline.exec();
  }

  /** Returns the lines of workers whose heartbeat expired to the click list; the count moved. */
  async recoverOrphans(): Promise<number> {
    let moved = 0;
    const prefix = `${this.keys.queue}:processing:`;
    for (const slotKey of await this.redis.smembers(this.registryKey)) {
      const owner = slotKey.slice(prefix.length, slotKey.lastIndexOf(':'));
      if (owner === this.workerId) continue;
      const result = await (this.redis as unknown as Scripts).clicktrackRequeue3(this.keys.queue, slotKey, this.aliveKey(owner));
      if (result >= 0) {
        moved += result;
        await this.redis.srem(this.registryKey, slotKey);
      }
    }
    return moved;
  }

  async length(): Promise<number> {
    return this.redis.llen(this.keys.queue);
  }
}

interface Scripts {
  clicktrackTake(queue: string, slot: string, max: number): Promise<string[]>;
  clicktrackAck(slot: string, invalid: string, ...entries: string[]): Promise<number>;
  clicktrackRequeue2(queue: string, slot: string): Promise<number>;
  clicktrackRequeue3(queue: string, slot: string, alive: string): Promise<number>;
}
