import { CLICK_TYPE, IMPRESSION_TYPE, USER_AGENT_MAX_CHARS } from './click-line.ts';

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

const FIELD_COUNT = 14;
// The most of each text field kept, and where it is in StatsFields: the worker cuts to these,
// and a header holding more is not one of ours. (An identity without a lookup key is
// `a:` + address + `|` + user agent.)
const MAX = { type: 128, id: 64, platform: 16, country: 8, device: 32, os: 64, browser: 64, referrer: 253, campaign: 256, network: 256, identity: 2 + 128 + 1 + USER_AGENT_MAX_CHARS };
const TEXT_AT: ReadonlyArray<readonly [number, number]> = [
  [0, MAX.type],
  [1, MAX.id],
  [5, MAX.platform],
  [6, MAX.country],
  [7, MAX.device],
  [8, MAX.os],
  [9, MAX.browser],
  [10, MAX.referrer],
  [11, MAX.campaign],
  [12, MAX.network],
  [13, MAX.identity],
];

function text(value: unknown, max = 128): string {
  // 128: an address or a lookup key.
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
  const click = raw.type === CLICK_TYPE;
  const bot = raw.bot === true;
  const lookupKey = text(params.lookup_key);
  const identity = click && !bot ? (lookupKey ? `k:${lookupKey}` : `a:${text(raw.ip)}|${text(raw.user_agent, USER_AGENT_MAX_CHARS)}`) : '';
  return [
    text(raw.type, MAX.type),
    text(click ? params.click_id : params.impression_id, MAX.id),
    Number(params.link_id),
    Number(raw.ts),
    bot,
    text(params.platform, MAX.platform),
    text(raw.country, MAX.country),
    text(raw.device?.type, MAX.device),
    text(raw.os?.name, MAX.os),
    text(raw.browser?.name, MAX.browser),
    text(params.referer_host, MAX.referrer),
    text(params.campaign, MAX.campaign),
    text(params.network, MAX.network),
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
  for (const [at, max] of TEXT_AT) {
    const v = fields[at];
    if (typeof v !== 'string' || v.length > max) return undefined;
  }
  // A number written as NaN arrives as null: the reader refuses it as it would NaN.
  if (fields[2] === null) fields[2] = Number.NaN;
  if (fields[3] === null) fields[3] = Number.NaN;
  return typeof fields[2] === 'number' && typeof fields[3] === 'number' ? (fields as StatsFields) : undefined;
}
