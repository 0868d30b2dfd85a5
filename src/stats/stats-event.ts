import { createHmac } from 'node:crypto';
import { boundedMemo } from '../shared/bounded-memo.ts';
import { eventKey } from './event-key.ts';
import { KIND_CLICK, KIND_IMPRESSION } from './stats-schema.ts';

/** Where a Kafka message came from, so the fold can store and check its offset. */
export interface EventSource {
  topic: string;
  partition: number;
  offset: bigint;
}

/** The part of an enriched event (the Kafka JSON message) the statistics keep. */
export interface StatsEvent {
  id: string;
  /** The dedupe key of `id` (event-key.ts). */
  key: bigint;
  linkId: number;
  /** Unix seconds when the tracker received the request. */
  ts: number;
  kind: number;
  bot: boolean;
  platform: string;
  country: string;
  device: string;
  os: string;
  browser: string;
  referrer: string;
  campaign: string;
  network: string;
  /** Keyed hash of the visitor, as a signed 64-bit integer; only for human clicks. */
  visitor: bigint | null;
  source?: EventSource;
}

export type VisitorHasher = (identity: string) => bigint;

/**
 * A keyed hash (HMAC-SHA256, first 8 bytes): the stored value cannot be turned back into
 * an address by hashing every IPv4 address, as a plain md5 of one could.
 */
export function createVisitorHasher(key: string, remember = 100_000): VisitorHasher {
  // A visitor's clicks come back (several links, several taps): an HMAC is about 2 µs, a
  // lookup a tenth of that. Bounded by characters too: an identity without a lookup key
  // holds a user agent of up to 1,024.
  return boundedMemo((identity) => createHmac('sha256', key).update(identity).digest().readBigInt64BE(0), remember);
}

const KINDS: Record<string, number> = { '/t/click': KIND_CLICK, '/t/imp': KIND_IMPRESSION };

function text(value: unknown, max = 128): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

interface RawEvent {
  type?: unknown;
  ts?: unknown;
  ip?: unknown;
  country?: unknown;
  bot?: unknown;
  device?: { type?: unknown } | null;
  os?: { name?: unknown } | null;
  browser?: { name?: unknown } | null;
  params?: Record<string, unknown> | null;
  user_agent?: unknown;
}

/**
 * The statistics' view of one enriched event, or a reason it cannot be counted (not JSON,
 * another event type, no id or link). Pure: the hasher comes in.
 */
export function toStatsEvent(value: string, hashVisitor: VisitorHasher, source?: EventSource): StatsEvent | { skip: string } {
  let raw: RawEvent;
  try {
    raw = JSON.parse(value) as RawEvent;
  } catch {
    return { skip: 'not_json' };
  }
  if (typeof raw !== 'object' || raw === null) return { skip: 'not_json' };
  const kind = KINDS[text(raw.type)];
  if (kind === undefined) return { skip: 'other_type' };
  const params = raw.params ?? {};
  const id = text(kind === KIND_CLICK ? params.click_id : params.impression_id, 64);
  const linkId = Number(params.link_id);
  if (!id || !Number.isSafeInteger(linkId) || linkId <= 0) return { skip: 'no_id' };
  const ts = Number(raw.ts);
  if (!Number.isFinite(ts) || ts < 0 || ts > 32_503_680_000) return { skip: 'bad_ts' };
  const bot = raw.bot === true;
  const lookupKey = text(params.lookup_key);
  const visitor =
    kind === KIND_CLICK && !bot ? hashVisitor(lookupKey ? `k:${lookupKey}` : `a:${text(raw.ip)}|${text(raw.user_agent, 1024)}`) : null;
  return {
    id,
    key: eventKey(id),
    linkId,
    ts: Math.floor(ts),
    kind,
    bot,
    platform: text(params.platform, 16),
    country: text(raw.country, 8),
    device: text(raw.device?.type, 32),
    os: text(raw.os?.name, 64),
    browser: text(raw.browser?.name, 64),
    referrer: text(params.referer_host, 253),
    campaign: text(params.campaign, 256),
    network: text(params.network, 256),
    visitor,
    ...(source ? { source } : {}),
  };
}
