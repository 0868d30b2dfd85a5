/**
 * `compute` remembered per key, for a pure function of a string that costs more than a
 * lookup (a keyed hash), called again and again with the same keys. Bounded by `maxEntries`
 * keys and by `charsPerEntry` characters of keys an entry on average.
 *
 * Two generations of plain Maps instead of an LRU list: a key is looked up in the young one,
 * then the old one (and moved up); when the young one is full, it becomes the old one and the
 * old one is dropped. Nearly what an LRU keeps, at the cost of a Map lookup: the stats
 * consumer calls this for every human click, where lru-cache's bookkeeping cost 0.5 µs.
 */
export function boundedMemo<T extends {}>(compute: (key: string) => T, maxEntries: number, charsPerEntry = 64): (key: string) => T {
  const entries = Math.max(1, Math.floor(maxEntries / 2));
  const chars = entries * charsPerEntry;
  let young = new Map<string, T>();
  let old = new Map<string, T>();
  let youngChars = 0;
  return (key) => {
    let value = young.get(key);
    if (value !== undefined) return value;
    value = old.get(key) ?? compute(key);
    if (young.size >= entries || youngChars + key.length > chars) {
      old = young;
      young = new Map();
      youngChars = 0;
    }
    young.set(key, value);
    youngChars += key.length;
    return value;
  };
}
