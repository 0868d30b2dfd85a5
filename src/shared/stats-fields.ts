import { IMPRESSION_TYPE } from './click-line.ts';

/**
 * What the statistics take from a click or an impression, in the order of the stats header.
 * The worker finds them in the event it enriched and sends them beside the message, as the
 * Kafka header `STATS_HEADER`; the stats consumer reads those (about 150 bytes of JSON)
 * instead of parsing the whole message (about 700), and a message without the header (an
 * older worker's) the way it always did, with this same function: one definition of where
 * each field comes from, whichever way it arrives.
 */
export type StatsFields = [
  type: string,
  id: string,
  linkId: number,
  ts: number,
  bot: boolean,
  platform: string,
  country: string,
  device: string,
  os: string,
  browser: string,
  referrer: string,
  campaign: string,
  network: string,
  /** Who clicked, for the unique visitors: only a human click has one ('' otherwise). */
  identity: string,
];

/**
 * The header's name holds its version: a stats consumer that does not know a newer one reads
 * the message instead, as it does a message without the header.
 */
export const STATS_HEADER = 'clicktrack-stats-1';

const CLICK_TYPE = '/t/click';
const FIELD_COUNT = 14;
// Where each text field of StatsFields is, and the most of it kept.
const TEXT_LIMITS: ReadonlyArray<readonly [number, number]> = [
  [0, 128],
  [1, 64],
  [5, 16],
  [6, 8],
  [7, 32],
  [8, 64],
  [9, 64],
  [10, 253],
  [11, 256],
  [12, 256],
  [13, 1_200],
];

function text(value: unknown, max = 128): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** An enriched event as the worker sends it (the Kafka message, README "The Kafka message"), or anything parsed from JSON. */
export interface EventShape {
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

/** The fields of an event; checking them (a counted type, an id, a link, a time) is the reader's part. */
export function statsFieldsOf(raw: EventShape): StatsFields {
  const params = raw.params ?? {};
  const type = text(raw.type);
  const click = type === CLICK_TYPE;
  const bot = raw.bot === true;
  const lookupKey = text(params.lookup_key);
  const identity = click && !bot ? (lookupKey ? `k:${lookupKey}` : `a:${text(raw.ip)}|${text(raw.user_agent, 1024)}`) : '';
  return [
    type,
    text(click ? params.click_id : params.impression_id, 64),
    Number(params.link_id),
    Number(raw.ts),
    bot,
    text(params.platform, 16),
    text(raw.country, 8),
    text(raw.device?.type, 32),
    text(raw.os?.name, 64),
    text(raw.browser?.name, 64),
    text(params.referer_host, 253),
    text(params.campaign, 256),
    text(params.network, 256),
    identity,
  ];
}

/** The header's value for an event the statistics count, else undefined (no header). */
export function statsHeaderOf(event: EventShape): string | undefined {
  return event.type === CLICK_TYPE || event.type === IMPRESSION_TYPE ? JSON.stringify(statsFieldsOf(event)) : undefined;
}

/** A header's value read back; undefined when it is not one (not JSON, wrong length or types). */
export function parseStatsHeader(value: string): StatsFields | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== FIELD_COUNT || typeof fields[4] !== 'boolean') return undefined;
  for (const [at, max] of TEXT_LIMITS) {
    const v = fields[at];
    if (typeof v !== 'string' || v.length > max) return undefined;
  }
  // A number written as NaN arrives as null: the reader refuses it as it would NaN.
  if (fields[2] === null) fields[2] = Number.NaN;
  if (fields[3] === null) fields[3] = Number.NaN;
  return typeof fields[2] === 'number' && typeof fields[3] === 'number' ? (fields as StatsFields) : undefined;
}
