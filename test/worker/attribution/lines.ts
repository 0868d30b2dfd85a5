import { randomUUID } from 'node:crypto';
import { encodeLine } from '../../../src/shared/click-line.ts';
import { TRACK_TOPIC, TRACK_TYPE } from '../../../src/shared/track-event.ts';
import { md5Hex } from '../../../src/web/click/attribution.ts';
import { ANDROID_UA, IPHONE_UA } from '../../support/fixtures.ts';

export interface ClickSpec {
  clickId?: string;
  linkId: number;
  slug?: string;
  campaign?: string;
  network?: string;
  ip: string;
  platform: 'ios' | 'android' | 'web';
  /** Dashed upper-case UUID, as the click side normalises it. */
  adid?: string;
  privacy?: boolean;
  ts?: number;
  windowSeconds?: number;
}

const nowS = () => Math.floor(Date.now() / 1000);

/** A click line as the web process writes it (src/web/click/attribution.ts decides lookup_key the same way). */
export function clickLine(spec: ClickSpec): { id: string; line: string } {
  const id = spec.clickId ?? randomUUID();
  const ts = spec.ts ?? nowS();
  const params: Record<string, string> = {
    click_id: id,
    link_id: String(spec.linkId),
    slug: spec.slug ?? `link-${spec.linkId}`,
    campaign: spec.campaign ?? `campaign-${spec.linkId}`,
    adgroup: 'ag',
    ad: 'ad',
    network: spec.network ?? 'meta',
    platform: spec.platform,
  };
  if (spec.adid) {
    params.adid = spec.adid;
    params.idfa_comb = spec.adid;
    params.lookup_key = md5Hex(spec.adid.toLowerCase());
  } else if (!spec.privacy) {
    params.lookup_key = md5Hex(`${spec.ip}.${spec.platform}`.toLowerCase());
  }
  params.attr_window_from = String(ts);
  params.attr_window_till = String(ts + (spec.windowSeconds ?? 3600));
  if (spec.privacy) params.privacy = '1';
  const ua = spec.platform === 'android' ? ANDROID_UA : IPHONE_UA;
  return { id, line: encodeLine({ ip: spec.ip, ts, topic: 'clicks', type: '/t/click', params, userAgent: ua }) };
}

export interface EventSpec {
  messageId?: string;
  event?: string;
  ip: string;
  platform?: string;
  clickId?: string;
  adid?: string;
  idfa?: string;
  gaid?: string;
  privacy?: boolean;
  revenue?: string;
  currency?: string;
  ts?: number;
}

/** An event line per the issue 14 contract (what the ingestion routes queue). */
export function eventLine(spec: EventSpec): { id: string; line: string } {
  const id = spec.messageId ?? randomUUID();
  const ts = spec.ts ?? nowS();
  const params: Record<string, string> = { message_id: id, event: spec.event ?? 'install', timestamp: String(ts * 1000) };
  if (spec.clickId) params.click_id = spec.clickId;
  if (spec.adid) params.adid = spec.adid;
  if (spec.idfa) params.idfa = spec.idfa;
  if (spec.gaid) params.gaid = spec.gaid;
  if (spec.platform) params.platform = spec.platform;
  if (spec.revenue) params.revenue = spec.revenue;
  if (spec.currency) params.currency = spec.currency;
  if (spec.privacy) params.privacy = '1';
  const ua = spec.platform === 'android' ? 'okhttp/4.12.0' : 'MyApp/1.0 CFNetwork/1494.0.7 Darwin/23.4.0';
  return { id, line: encodeLine({ ip: spec.ip, ts, topic: TRACK_TOPIC, type: TRACK_TYPE, params, userAgent: ua }) };
}
