import type { Logger } from '../shared/logger.ts';
import type { ClickStore } from './click-store.ts';

export interface PooledStore {
  readonly store: ClickStore;
  /** Skipped by the click path until then (ms since the epoch); 0 while healthy. */
  downUntil: number;
  /** For logging once per change of state, not once per failed push. */
  down: boolean;
  /** How many times the store went down: a push begun before the last time proves nothing. */
  outages: number;
}

/**
 * The click stores in rotation. A store that fails or stalls cools down for a while and is
 * skipped by the click path; the buffer's flush probes it again. Logs once when a store
 * goes down and once when it is back: an outage of an hour is two lines, not 3,600.
 */
export interface StorePool {
  readonly stores: readonly PooledStore[];
  /** A store out of cooldown, round robin; undefined when every store is cooling down. */
  healthy(): PooledStore | undefined;
  /** A store to try even if all are cooling down: the one that failed longest ago. */
  probe(): PooledStore;
  markDown(state: PooledStore, reason: unknown): void;
  /**
   * A push succeeded. `outagesAtStart` is `state.outages` when it began: a push sent before
   * the store went down (a slow one that a timeout gave up on) says nothing about now, and
   * marking the store up on it would log "reachable again" in the middle of an outage.
   */
  markUp(state: PooledStore, outagesAtStart: number): void;
  /** Pushes to a healthy (or probed) store; marks it down and rethrows on failure. */
  push(lines: readonly string[]): Promise<void>;
}

export function createStorePool(
  stores: readonly ClickStore[],
  logger: Logger,
  cooldownMs: number,
  onFailure: (store: string) => void,
  now: () => number,
): StorePool {
  if (stores.length === 0) throw new Error('createStorePool: at least one store is required');
  const states: PooledStore[] = stores.map((store) => ({ store, downUntil: 0, down: false, outages: 0 }));
  let next = 0;

  const pool: StorePool = {
    stores: states,
    healthy() {
      const t = now();
      for (let i = 0; i < states.length; i++) {
        const state = states[(next + i) % states.length]!;
        if (state.downUntil <= t) {
          next = (next + i + 1) % states.length;
          return state;
        }
      }
      return undefined;
    },
    probe() {
      return pool.healthy() ?? states.reduce((a, b) => (a.downUntil <= b.downUntil ? a : b));
    },
    markDown(state, reason) {
      onFailure(state.store.name);
      state.downUntil = now() + cooldownMs;
      if (state.down) return;
      state.down = true;
      state.outages++;
      const message = reason instanceof Error ? reason.message : String(reason);
      logger.warn({ store: state.store.name, reason: message }, 'click store unavailable; buffering clicks');
    },
    markUp(state, outagesAtStart) {
      if (outagesAtStart !== state.outages) return;
      state.downUntil = 0;
      if (!state.down) return;
      state.down = false;
      logger.info({ store: state.store.name }, 'click store reachable again');
    },
    async push(lines) {
      const state = pool.probe();
      const outages = state.outages;
      try {
        await state.store.push(lines);
      } catch (err) {
        pool.markDown(state, err);
        throw err;
      }
      pool.markUp(state, outages);
    },
  };
  return pool;
}
