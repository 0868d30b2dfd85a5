import { encodeLine } from '../../shared/click-line.ts';
import { TRACK_TOPIC, TRACK_TYPE } from '../../shared/track-event.ts';
import type { IngestEvent } from './ingest-event.ts';

/** Where and when the request came in: one for every event of a batch. */
export interface Arrival {
  /** Truncated already when `privacy` is set (visitor-address.ts). */
  ip: string;
  privacy: boolean;
  /** Unix seconds when the server received the request. */
  ts: number;
  userAgent: string;
  appId: number;
}

/**
 * The queued line of an event (the contract of issue 14):
 * `<ip> <ts> events /v1/track <params> <user agent>`, params in a fixed order, absent
 * fields left out. `privacy=1` forbids any fingerprint match for the event downstream.
 */
export function ingestLine(event: IngestEvent, arrival: Arrival): string {
  const params: Record<string, string> = { message_id: event.messageId, event: event.event, timestamp: String(event.timestampMs) };
  if (event.originalTimestamp !== undefined) params.original_timestamp = event.originalTimestamp;
  params.app_id = String(arrival.appId);
  if (event.clickId !== undefined) params.click_id = event.clickId;
  if (event.adid !== undefined) params.adid = event.adid;
  if (event.idfa !== undefined) params.idfa = event.idfa;
  if (event.gaid !== undefined) params.gaid = event.gaid;
  if (event.idfaMd5 !== undefined) params.idfa_md5 = event.idfaMd5;
  if (event.idfaSha1 !== undefined) params.idfa_sha1 = event.idfaSha1;
  if (event.platform !== undefined) params.platform = event.platform;
  if (event.appVersion !== undefined) params.app_version = event.appVersion;
  if (event.revenue !== undefined) params.revenue = event.revenue;
  if (event.currency !== undefined) params.currency = event.currency;
  if (event.properties !== undefined) params.properties = event.properties;
  if (arrival.privacy) params.privacy = '1';
  return encodeLine({ ip: arrival.ip, ts: arrival.ts, topic: TRACK_TOPIC, type: TRACK_TYPE, params, userAgent: arrival.userAgent });
}
