import { isIP } from 'node:net';
import { encodeParam, encodeParams, IMPRESSION_TYPE, type EventLine } from '../../shared/click-line.ts';
import type { GeoLookup } from './geoip.ts';
import type { AgentInfo } from './user-agent.ts';

/**
 * The event's own id, also the Kafka key: an impression carries `impression_id`, every other
 * event `click_id` (null for a type that has none), never both, so no consumer reads an
 * impression as a click without an id.
 */
export type EventId = { click_id: string | null; impression_id?: never } | { impression_id: string | null; click_id?: never };

/** The Kafka message value (JSON), as the README documents it ("The Kafka message"). */
export type EnrichedEvent = EventId & EventFields;

export interface EventFields {
  type: string;
  path: string;
  /** Unix seconds when the tracker received the request. */
  ts: number;
  received_at: string;
  /** klag: whole seconds the line waited in Redis, from the click (`ts`) to this worker taking it. */
  klag: number;
  ip: string;
  country: string | null;
  /** Only with a city database (e.g. GeoIP2 City), then always present, possibly null. */
  region?: string | null;
  city?: string | null;
  platform: string;
  device: AgentInfo['device'];
  os: AgentInfo['os'];
  browser: AgentInfo['browser'];
  bot: boolean;
  bot_name: string | null;
  params: Record<string, string>;
  user_agent: string;
}

export type Enricher = (line: EventLine, nowMs: number) => EnrichedEvent;

const CLICK_PLATFORMS = new Set(['ios', 'android', 'web']);

/**
 * The message's platform agrees with the redirect: a click the web process sent to the App
 * Store or Play Store says ios or android, whatever the parser makes of its agent (an iPad
 * asking for desktop sites with CriOS, a model token the parser does not know). A click sent
 * to the web target says its OS family (windows, mac, linux, ...), or `web` when the parser
 * names a phone OS the redirect did not treat as one (TVs, watches, consoles, Mac fetchers).
 * Bots keep the original's empty platform. Lines without a click-time platform (other event
 * types, older lines) keep the parser's family.
 */
export function eventPlatform(clickPlatform: string | undefined, agent: AgentInfo): string {
  if (agent.bot || clickPlatform === undefined || !CLICK_PLATFORMS.has(clickPlatform)) return agent.platform;
  if (clickPlatform !== 'web') return clickPlatform;
  return agent.platform === 'ios' || agent.platform === 'android' ? 'web' : agent.platform;
}

// The last millisecond a Date can hold; a larger ts would make toISOString throw.
const MAX_DATE_MS = 8.64e15;

/** Pure apart from its lookups: the clock comes in as `nowMs`, so tests pin it. */
export function createEnricher(deps: { geo: GeoLookup; parseAgent: (ua: string) => AgentInfo }): Enricher {
  return (line, nowMs) => {
    const geo = deps.geo.lookup(line.ip);
    const agent = deps.parseAgent(line.userAgent);
    const tsMs = line.ts * 1000;
    // decodeLine allows 15-digit timestamps; one absurd line must not throw out of the
    // worker loop, so its received_at falls back to the worker's clock.
    const receivedAt = new Date(tsMs <= MAX_DATE_MS ? tsMs : nowMs).toISOString();
    // Both sides in whole seconds: ts was truncated by the tracker, and a clock a little
    // behind the tracker's must not report a negative wait.
    const klag = Math.max(0, Math.floor(nowMs / 1000) - line.ts);
    // Region and city only with a city database, and then next to country in the JSON.
    const place =
      geo.region === undefined && geo.city === undefined
        ? { country: geo.country }
        : { country: geo.country, region: geo.region ?? null, city: geo.city ?? null };
    const id: EventId =
      line.type === IMPRESSION_TYPE
        ? { impression_id: line.params.impression_id ?? null }
        : { click_id: line.params.click_id ?? null };
    return {
      type: line.type,
      path: line.type,
      ...id,
      ts: line.ts,
      received_at: receivedAt,
      klag,
      ip: line.ip,
      ...place,
      platform: eventPlatform(line.params.platform, agent),
      device: agent.device,
      os: agent.os,
      browser: agent.browser,
      bot: agent.bot,
      bot_name: agent.bot_name,
      params: line.params,
      user_agent: line.userAgent,
    };
  };
}

/**
 * The original kafkastore's text message, for its consumers:
 *
 *   <type> <meta> <params>
 *
 * meta holds exactly the original's keys, sorted, with an empty value written as a bare
 * key (`bot_name&country=DE&...`); `ip` is the unsigned 32-bit integer for IPv4 and the
 * text for IPv6. `rawParams` should be the line's params field as queued, so the payload
 * passes through byte for byte; re-encoding the decoded params is the fallback.
 */
export function toAdtekioMessage(event: EnrichedEvent, rawParams: string = encodeParams(event.params)): string {
  const meta: ReadonlyArray<readonly [string, string | number | null]> = [
    ['bot_name', event.bot_name],
    ['country', event.country],
    ['device', event.device.type],
    ['device_name', event.device.model ?? event.device.vendor],
    ['ip', ipForMeta(event.ip)],
    ['klag', event.klag],
    ['platform', event.platform],
    ['ts', event.ts],
  ];
  let text = '';
  for (const [key, value] of meta) {
    const part = value === null || value === '' ? key : encodeParam(key, String(value));
    text += text === '' ? part : `&${part}`;
  }
  return `${event.type} ${text} ${rawParams}`;
}

/** 188.103.123.173 -> 3160898477, as the original stored IPv4 addresses. */
export function ipv4ToInteger(ip: string): number {
  let value = 0;
  for (const octet of ip.split('.')) value = value * 256 + Number(octet);
  return value;
}

function ipForMeta(ip: string): string | number {
  return isIP(ip) === 4 ? ipv4ToInteger(ip) : ip;
}
