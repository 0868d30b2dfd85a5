import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

interface Fill {
  /** Links the cache held at the end. */
  entries: number;
  /** Memory grown per cached link (V8 heap and typed arrays), and the cache's own estimate of it. */
  heap: number;
  estimated: number;
}

export interface CacheMemory {
  /** Links that share nothing (every string distinct), 200,000 of them. */
  distinct: Fill;
  /** 1,000,000 per-publisher links (5,000 profiles), in an unbounded cache. */
  shared: Fill;
  /** 1,500,000 per-publisher links offered to the default 64 MB budget: how many it keeps. */
  defaultBudget: Fill;
}

/** Fills a link cache in a process of its own and reads the memory it grew by. */
export async function benchCacheMemory(): Promise<CacheMemory> {
  const run = async (entries: number, mode: string, maxMb = 4096): Promise<Fill> => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', 'bench/cache-memory-child.ts', String(entries), mode, String(maxMb)]);
    const result = JSON.parse(stdout) as { entries: number; heapBytes: number; estimatedBytes: number };
    return { entries: result.entries, heap: result.heapBytes / result.entries, estimated: result.estimatedBytes / result.entries };
  };
  return { distinct: await run(200_000, 'distinct'), shared: await run(1_000_000, 'shared'), defaultBudget: await run(1_500_000, 'shared', 64) };
}
