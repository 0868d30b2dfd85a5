import type { Redis } from 'ioredis';
import type { IndexedClick } from './indexed-click.ts';

/**
 * Where delivered clicks wait for the events they may have brought: by click_id and by
 * lookup_key, each kept until the click's attribution window ends. Also where the first
 * attribution decision per message_id is kept, so an event delivered twice (a worker
 * killed before its acknowledgement) is attributed the same way twice.
 */
export interface ClickIndex {
  readonly name: string;
  /** Only clicks whose window is still open at `nowS` are kept. Idempotent. */
  add(clicks: readonly IndexedClick[], nowS: number): Promise<void>;
  /** Clicks by id, and per lookup key the latest few, newest first. */
  find(clickIds: readonly string[], lookupKeys: readonly string[]): Promise<FoundClicks>;
  /** Stores each decision unless one is already stored; answers the stored one for each. */
  decide(decisions: ReadonlyArray<readonly [messageId: string, decision: string]>): Promise<string[]>;
  close(): Promise<void>;
}

export interface FoundClicks {
  byId: Map<string, IndexedClick>;
  byKey: Map<string, IndexedClick[]>;
  /** False when an index did not answer: a click may exist that was not seen. */
  complete?: boolean;
}

/**
 * Looks a batch's events up in every list's index (each Redis indexes the clicks that came
 * through it, so an outage of one stops only its own list). An index that does not answer
 * makes the answer incomplete instead of failing it: unmatched events then wait.
 */
export function findInAll(indexes: readonly ClickIndex[]): Pick<ClickIndex, 'find'> {
  if (indexes.length === 1) return indexes[0] as ClickIndex;
  return {
    async find(clickIds, lookupKeys) {
      const answers = await Promise.allSettled(indexes.map((index) => index.find(clickIds, lookupKeys)));
      const found: FoundClicks = { byId: new Map(), byKey: new Map(), complete: true };
      let failed = 0;
      for (const answer of answers) {
        if (answer.status === 'rejected') {
          failed++;
          continue;
        }
        for (const [id, click] of answer.value.byId) found.byId.set(id, click);
        for (const [key, clicks] of answer.value.byKey) found.byKey.set(key, [...(found.byKey.get(key) ?? []), ...clicks]);
      }
      if (failed === answers.length) throw (answers[0] as PromiseRejectedResult).reason;
      found.complete = failed === 0;
      return found;
    },
  };
}

/** Per lookup key this many of the latest clicks are kept: the newest one whose window is open wins. */
export const CLICKS_PER_KEY = 8;
/** How long a decision is remembered: far longer than a batch can wait to be acknowledged. */
export const DECISION_TTL_S = 86_400;

// Indexes a whole batch in one call (ARGV: keep, then per click its id key, its lookup key
// or '', its time, its JSON and the end of its window in ms): per click a key by click_id,
// and the click added to its lookup key's set, the set trimmed to the newest `keep` and
// kept until the latest window among its clicks ends (never shortened). One script per
// batch instead of commands per click: building thousands of commands costs the worker
// more than Redis spends running them. (Keys travel in ARGV: no Redis Cluster here.)
const ADD_BATCH = `
local keep = tonumber(ARGV[1])
for i = 2, #ARGV, 5 do
  local till = tonumber(ARGV[i + 4])
  redis.call('SET', ARGV[i], ARGV[i + 3], 'PXAT', till)
  local key = ARGV[i + 1]
  if key ~= '' then
    redis.call('ZADD', key, ARGV[i + 2], ARGV[i + 3])
    local n = redis.call('ZCARD', key)
    if n > keep then redis.call('ZREMRANGEBYRANK', key, 0, n - keep - 1) end
    if redis.call('PEXPIRETIME', key) < till then redis.call('PEXPIREAT', key, till) end
  end
end
return (#ARGV - 1) / 5
`;

interface IndexScripts {
  clicktrackIndexClicks(...args: (string | number)[]): Promise<number>;
}

function parse(text: string | null | undefined): IndexedClick | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as IndexedClick;
  } catch {
    return undefined;
  }
}

/** The index in Redis, under `prefix` (the click list's key, so test runs never meet). */
export function createRedisClickIndex(redis: Redis, prefix: string, name = 'redis'): ClickIndex {
  redis.defineCommand('clicktrackIndexClicks', { numberOfKeys: 0, lua: ADD_BATCH });
  const idKey = (id: string) => `${prefix}:attr:click:${id}`;
  const lookupKey = (key: string) => `${prefix}:attr:key:${key}`;
  const decisionKey = (id: string) => `${prefix}:attr:decided:${id}`;
  return {
    name,
    async add(clicks, nowS) {
      const args: (string | number)[] = [CLICKS_PER_KEY];
      for (const click of clicks) {
        if (click.w <= nowS) continue;
        args.push(idKey(click.id), click.lk ? lookupKey(click.lk) : '', click.t, JSON.stringify(click), click.w * 1000);
      }
      if (args.length > 1) await (redis as unknown as IndexScripts).clicktrackIndexClicks(...args);
    },
    async find(clickIds, lookupKeys) {
      const found: FoundClicks = { byId: new Map(), byKey: new Map() };
      if (clickIds.length === 0 && lookupKeys.length === 0) return found;
      const pipeline = redis.pipeline();
      for (const id of clickIds) pipeline.get(idKey(id));
      for (const key of lookupKeys) pipeline.zrevrange(lookupKey(key), 0, -1);
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([err, value], i) => {
        if (err) throw err;
        if (i < clickIds.length) {
          const click = parse(value as string | null);
          if (click) found.byId.set(clickIds[i] as string, click);
        } else {
          const clicks = (value as string[]).map(parse).filter((c): c is IndexedClick => c !== undefined);
          if (clicks.length > 0) found.byKey.set(lookupKeys[i - clickIds.length] as string, clicks);
        }
      });
      return found;
    },
    async decide(decisions) {
      if (decisions.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const [id, decision] of decisions) pipeline.call('SET', decisionKey(id), decision, 'NX', 'GET', 'EX', DECISION_TTL_S);
      const results = (await pipeline.exec()) ?? [];
      return results.map(([err, old], i) => {
        if (err) throw err;
        return typeof old === 'string' ? old : (decisions[i]?.[1] as string);
      });
    },
    async close() {},
  };
}

/** The embedded default's index: the same rules in process memory (the queue is in memory too). */
export function createMemoryClickIndex(now: () => number = () => Date.now() / 1000): ClickIndex {
  const byId = new Map<string, IndexedClick>();
  const byKey = new Map<string, IndexedClick[]>();
  const decided = new Map<string, { decision: string; until: number }>();
  let adds = 0;
  const sweep = (nowS: number) => {
    for (const [id, click] of byId) if (click.w <= nowS) byId.delete(id);
    for (const [key, clicks] of byKey) {
      const open = clicks.filter((c) => c.w > nowS);
      if (open.length === 0) byKey.delete(key);
      else byKey.set(key, open);
    }
    for (const [id, d] of decided) if (d.until <= nowS) decided.delete(id);
  };
  return {
    name: 'memory',
    async add(clicks, nowS) {
      for (const click of clicks) {
        if (click.w <= nowS) continue;
        byId.set(click.id, click);
        if (!click.lk) continue;
        const list = (byKey.get(click.lk) ?? []).filter((c) => c.id !== click.id);
        list.push(click);
        list.sort((a, b) => b.t - a.t);
        byKey.set(click.lk, list.slice(0, CLICKS_PER_KEY));
      }
      if (++adds % 1_000 === 0) sweep(nowS);
    },
    async find(clickIds, lookupKeys) {
      const found: FoundClicks = { byId: new Map(), byKey: new Map() };
      for (const id of clickIds) {
        const click = byId.get(id);
        if (click) found.byId.set(id, click);
      }
      for (const key of lookupKeys) {
        const clicks = byKey.get(key);
        if (clicks) found.byKey.set(key, clicks);
      }
      return found;
    },
    async decide(decisions) {
      const nowS = now();
      return decisions.map(([id, decision]) => {
        const kept = decided.get(id);
        if (kept && kept.until > nowS) return kept.decision;
        decided.set(id, { decision, until: nowS + DECISION_TTL_S });
        return decision;
      });
    },
    async close() {},
  };
}
