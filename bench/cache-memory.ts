import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface CacheMemory {
  entries: number;
  /** Heap per cached link, LRU bookkeeping included, and the cache's own estimate of it. */
  distinct: { heap: number; estimated: number };
  /** The same, when links share their campaign fields and targets 1,000 ways. */
  shared: { heap: number; estimated: number };
}

/** Fills a link cache in a process of its own and reads the heap it grew by. */
export async function benchCacheMemory(entries = 200_000): Promise<CacheMemory> {
  const run = async (mode: string) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', 'bench/cache-memory-child.ts', String(entries), mode]);
    const result = JSON.parse(stdout) as { entries: number; heapBytes: number; estimatedBytes: number };
    return { heap: result.heapBytes / result.entries, estimated: result.estimatedBytes / result.entries };
  };
  return { entries, distinct: await run('distinct'), shared: await run('shared') };
}
