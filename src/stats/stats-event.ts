import { createHmac } from 'node:crypto';
import { boundedMemo } from '../shared/bounded-memo.ts';
import { CLICK_TYPE, IMPRESSION_TYPE } from '../shared/click-line.ts';
import { eventKey } from './event-key.ts';
import { parseStatsHeader, statsFieldsOf, type EventShape, type StatsFields } from '../shared/stats-fields.ts';
import { KIND_CLICK, KIND_IMPRESSION } from './stats-schema.ts';

/** Where a Kafka message came from, so the fold can store and check its offset. */
export interface EventSource {
  topic: string;
  partition: number;
  offset: bigint;
}

/** The part of an enriched event (the Kafka JSON message) the statistics keep. */
export interface StatsEvent {
  /** The dedupe key of the event's id (event-key.ts); the id itself is not kept. */
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

const KINDS: Record<string, number> = { [CLICK_TYPE]: KIND_CLICK, [IMPRESSION_TYPE]: KIND_IMPRESSION };
// JSON arrays are never messages (the worker writes objects or the original text format):
// a value that starts with one is a stats header (the consumer passes those on instead).
const ARRAY_START = 0x5b;

/**
 * The statistics' view of one message or stats header (shared/stats-fields.ts), or a reason
 * it cannot be counted (not JSON, another event type, no id or link). Pure: the hasher comes in.
 */
export function toStatsEvent(value: string, hashVisitor: VisitorHasher, source?: EventSource): StatsEvent | { skip: string } {
  if (value.charCodeAt(0) === ARRAY_START) {
    const fields = parseStatsHeader(value);
    return fields ? fromFields(fields, hashVisitor, source) : { skip: 'bad_stats_header' };
  }
  let raw: EventShape;
  try {
    raw = JSON.parse(value) as EventShape;
  } catch {
    return { skip: 'not_json' };
  }
  if (typeof raw !== 'object' || raw === null) return { skip: 'not_json' };
  return fromFields(statsFieldsOf(raw), hashVisitor, source);
}

function fromFields(fields: StatsFields, hashVisitor: VisitorHasher, source: EventSource | undefined): StatsEvent | { skip: string } {
  const [type, id, linkId, ts, bot, platform, country, device, os, browser, referrer, campaign, network, identity] = fields;
  const kind = KINDS[type];
  if (kind === undefined) return { skip: 'other_type' };
  if (!id || !Number.isSafeInteger(linkId) || linkId <= 0) return { skip: 'no_id' };
  if (!Number.isFinite(ts) || ts < 0 || ts > 32_503_680_000) return { skip: 'bad_ts' };
  const event: StatsEvent = {
    key: eventKey(id),
    linkId,
    ts: Math.floor(ts),
    kind,
    bot,
    platform,
    country,
    device,
    os,
    browser,
    referrer,
    campaign,
    network,
    // Only a human click is a visitor, whatever a header says.
    visitor: kind === KIND_CLICK && !bot && identity ? hashVisitor(identity) : null,
  };
  if (source) event.source = source;
  return event;
}
