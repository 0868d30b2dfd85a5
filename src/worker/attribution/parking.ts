import type { Redis } from 'ioredis';
import { decodeLine } from '../../shared/click-line.ts';
import { isTrackLine } from '../../shared/track-event.ts';

/**
 * Events that found no click yet wait here, as their raw line, until a retry time. A line
 * is parked before its batch is acknowledged and returns to the click list in one atomic
 * step, so it is always in the list, a slot or here: never lost (a crash between parking
 * and the acknowledgement parks it again, the same member, and counts once downstream by
 * its message_id).
 */
export interface ParkingLot {
  park(lines: ReadonlyArray<{ raw: string; dueMs: number }>): Promise<void>;
  /** Moves lines whose time has come back onto the newest end of the click list. */
  release(nowMs: number): Promise<number>;
  /** Unix seconds of the oldest line still waiting in the click list, unless it is an event or the list is empty. */
  oldestWaitingTs(): Promise<number | undefined>;
  size(): Promise<number>;
}

const RELEASE_MAX = 1_000;

// Due lines go to the NEWEST end (LPUSH, like the web's pushes): every click queued before
// the event came back is taken before it, so a backlog is drained ahead of the retry.
const RELEASE = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for i = 1, #due do
  redis.call('ZREM', KEYS[1], due[i])
  redis.call('LPUSH', KEYS[2], due[i])
end
return #due
`;

interface ReleaseScript {
  clicktrackRelease(parked: string, queue: string, nowMs: number, max: number): Promise<number>;
}

function lineTs(raw: string | null): number | undefined {
  if (!raw || isTrackLine(raw)) return undefined;
  const decoded = decodeLine(raw);
  return decoded.ok ? decoded.line.ts : undefined;
}

/** A sorted set next to the click list (`<queue>:parked`), scored by the retry time in ms. */
export function createRedisParkingLot(redis: Redis, queueKey: string): ParkingLot {
  redis.defineCommand('clicktrackRelease', { numberOfKeys: 2, lua: RELEASE });
  const parkedKey = `${queueKey}:parked`;
  return {
    async park(lines) {
      if (lines.length === 0) return;
      const args: (string | number)[] = [];
      for (const { raw, dueMs } of lines) args.push(dueMs, raw);
      await redis.zadd(parkedKey, ...args);
    },
    async release(nowMs) {
      let moved = 0;
      for (;;) {
        const n = await (redis as unknown as ReleaseScript).clicktrackRelease(parkedKey, queueKey, nowMs, RELEASE_MAX);
        moved += n;
        if (n < RELEASE_MAX) return moved;
      }
    },
    async oldestWaitingTs() {
      return lineTs(await redis.lindex(queueKey, -1));
    },
    size: () => redis.zcard(parkedKey),
  };
}

/** The embedded default's lot: lines wait in memory and go back through the queue's own push. */
export function createMemoryParkingLot(push: (lines: string[]) => Promise<void>): ParkingLot {
  let parked: Array<{ raw: string; dueMs: number }> = [];
  return {
    async park(lines) {
      const kept = new Set(parked.map((p) => p.raw));
      for (const line of lines) if (!kept.has(line.raw)) parked.push({ ...line });
    },
    async release(nowMs) {
      const due = parked.filter((p) => p.dueMs <= nowMs);
      if (due.length === 0) return 0;
      parked = parked.filter((p) => p.dueMs > nowMs);
      try {
        await push(due.map((p) => p.raw));
      } catch (err) {
        parked.push(...due);
        throw err;
      }
      return due.length;
    },
    async oldestWaitingTs() {
      return undefined;
    },
    async size() {
      return parked.length;
    },
  };
}
