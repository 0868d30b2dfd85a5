import { isIP } from 'node:net';
import { encodeParam, encodeParams, type EventLine } from '../../shared/click-line.ts';
import type { GeoLookup } from './geoip.ts';
import type { AgentInfo } from './user-agent.ts';

/** The Kafka message value (JSON), as documented in design/interface.md. */
export interface EnrichedEvent {
  type: string;
  path: string;
  click_id: string | null;
  /** Unix seconds when the tracker received the request. */
  ts: number;
  received_at: string;
  /** Whole seconds the line waited between the tracker and this worker. */
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
    return {
      type: line.type,
      path: line.type,
      click_id: line.params.click_id ?? null,
      ts: line.ts,
      received_at: receivedAt,
      klag,
      ip: line.ip,
      ...place,
      platform: agent.platform,
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
