import type { EventLine } from '../../shared/click-line.ts';
import type { ClickIndex, FoundClicks } from './click-index.ts';
import { hasKeys, type EventKeys, type MatchKind } from './event-keys.ts';
import type { IndexedClick } from './indexed-click.ts';

/** The `attribution` of an event's Kafka message (null: organic). */
export interface Attribution {
  click_id: string;
  link_id: number;
  slug: string;
  campaign: string;
  adgroup: string;
  ad: string;
  network: string;
  match: MatchKind;
  /** Unix seconds of the click. */
  click_ts: number;
  seconds_since_click: number;
}

export interface AttributionSettings {
  /** An unmatched event waits at least this long after it was received for its click. */
  graceSeconds: number;
  /** ...and while older clicks are still queued, at most this long. */
  maxWaitSeconds: number;
}

export interface PendingEvent {
  line: EventLine;
  keys: EventKeys;
  /** The event's own time (the corrected `timestamp`), Unix seconds. */
  eventTs: number;
}

export type Outcome = { attribution: Attribution | null } | { retryAtMs: number };

function toAttribution(click: IndexedClick, match: MatchKind, eventTs: number): Attribution {
  return {
    click_id: click.id,
    link_id: click.l,
    slug: click.s,
    campaign: click.c,
    adgroup: click.g,
    ad: click.a,
    network: click.n,
    match,
    click_ts: click.t,
    seconds_since_click: Math.max(0, eventTs - click.t),
  };
}

/** Clicks received before the event whose window is open at the event's time; the newest wins. */
function latest(clicks: Iterable<IndexedClick>, event: PendingEvent, accept: (c: IndexedClick) => boolean): IndexedClick | undefined {
  let best: IndexedClick | undefined;
  for (const c of clicks) {
    if (c.t > event.line.ts || c.w < event.eventTs || !accept(c)) continue;
    if (!best || c.t > best.t || (c.t === best.t && c.id > best.id)) best = c;
  }
  return best;
}

/** The match for one event from the clicks found: click id, then advertising id, then fingerprint. */
export function matchEvent(event: PendingEvent, found: FoundClicks): Attribution | null {
  const { keys } = event;
  if (keys.clickId) {
    const click = found.byId.get(keys.clickId);
    const hit = click ? latest([click], event, () => true) : undefined;
    if (hit) return toAttribution(hit, 'click_id', event.eventTs);
  }
  const byAd = latest(
    keys.adKeys.flatMap((k) => found.byKey.get(k) ?? []),
    event,
    (c) => c.k === 'adid',
  );
  if (byAd) return toAttribution(byAd, 'adid', event.eventTs);
  if (keys.fingerprint) {
    // Never for a visitor who asked for privacy: the event's key is absent then, and a
    // click's privacy flag is checked too (its line should carry no fingerprint anyway).
    const byPrint = latest(found.byKey.get(keys.fingerprint) ?? [], event, (c) => c.k === 'fingerprint' && c.p !== 1);
    if (byPrint) return toAttribution(byPrint, 'fingerprint', event.eventTs);
  }
  return null;
}

/** The batch's own clicks count as found too: an event right behind its click in one batch. */
function merge(found: FoundClicks, batchClicks: readonly IndexedClick[]): FoundClicks {
  for (const c of batchClicks) {
    found.byId.set(c.id, found.byId.get(c.id) ?? c);
    if (c.lk) found.byKey.set(c.lk, [...(found.byKey.get(c.lk) ?? []), c]);
  }
  return found;
}

/**
 * Matches a batch's events in two round trips at most (the lookups, then whether older
 * clicks still wait). An event with no match waits (parked) while its click may still be
 * on its way: for `graceSeconds` after it was received (a click in another worker's batch
 * or another Redis), and beyond that while the click list still holds older lines (a
 * backlog) or an index did not answer, up to `maxWaitSeconds`. Then it goes out as organic.
 */
export async function attributeEvents(
  events: readonly PendingEvent[],
  index: Pick<ClickIndex, 'find'>,
  batchClicks: readonly IndexedClick[],
  context: { nowMs: number; settings: AttributionSettings; oldestWaitingTs: () => Promise<number | undefined> },
): Promise<Outcome[]> {
  if (events.length === 0) return [];
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const e of events) {
    if (e.keys.clickId) ids.add(e.keys.clickId);
    for (const k of e.keys.adKeys) keys.add(k);
    if (e.keys.fingerprint) keys.add(e.keys.fingerprint);
  }
  const found = merge(await index.find([...ids], [...keys]), batchClicks);
  // An index that did not answer (one Redis of several down): no event is called organic
  // for lack of a click that may sit there; they wait (up to maxWaitSeconds) instead.
  const complete = found.complete !== false;
  const nowS = Math.floor(context.nowMs / 1000);
  const { graceSeconds, maxWaitSeconds } = context.settings;
  let oldest: Promise<number | undefined> | undefined;
  const outcomes: Outcome[] = [];
  for (const event of events) {
    const attribution = matchEvent(event, found);
    const age = nowS - event.line.ts;
    if (attribution || !hasKeys(event.keys) || age >= maxWaitSeconds) {
      outcomes.push({ attribution });
      continue;
    }
    // Retries come sooner for a young event, then back off (at most every 30 s).
    const retryAtMs = context.nowMs + Math.min(30_000, Math.max(1_000, (age * 1000) / 4));
    if (age < graceSeconds || !complete) {
      outcomes.push({ retryAtMs });
      continue;
    }
    oldest ??= context.oldestWaitingTs();
    const waiting = await oldest;
    outcomes.push(waiting !== undefined && waiting <= event.line.ts ? { retryAtMs } : { attribution: null });
  }
  return outcomes;
}
