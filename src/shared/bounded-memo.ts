import { LRUCache } from 'lru-cache';

/**
 * `compute` remembered per key, the least recently used forgotten past `maxEntries` keys or
 * past `charsPerEntry` characters of keys an entry on average: for a pure function of a
 * string that costs more than a lookup (a keyed hash, an md5), called again and again with
 * the same keys.
 */
export function boundedMemo<T extends {}>(compute: (key: string) => T, maxEntries: number, charsPerEntry = 64): (key: string) => T {
  const known = new LRUCache<string, T>({ max: maxEntries, maxSize: maxEntries * charsPerEntry, sizeCalculation: (_value, key) => Math.max(1, key.length) });
  return (key) => {
    let value = known.get(key);
    if (value === undefined) known.set(key, (value = compute(key)));
    return value;
  };
}
