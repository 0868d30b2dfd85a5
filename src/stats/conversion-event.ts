import type { EventSource } from './stats-event.ts';

/**
 * Upper bounds (seconds) of the click-to-event time buckets; the last bucket is open.
 * Seconds after a click are the mark of click injection (a fake click fired when the
 * install begins), a flat spread over days that of click flooding.
 */
export const DELAY_BUCKETS_S = [10, 60, 300, 1_800, 3_600, 6 * 3_600, 86_400, 3 * 86_400, 7 * 86_400] as const;
export const DELAY_BUCKET_LABELS = ['<10s', '10s-1m', '1-5m', '5-30m', '30m-1h', '1-6h', '6-24h', '1-3d', '3-7d', '>7d'] as const;

export function delayBucket(seconds: number): number {
  const i = DELAY_BUCKETS_S.findIndex((bound) => seconds < bound);
  return i === -1 ? DELAY_BUCKETS_S.length : i;
}

/** The part of an event's Kafka message (topic `events`) the statistics keep. */
export interface ConversionEvent {
  id: string;
  event: string;
  /** Unix seconds of the event's own (corrected) time. */
  ts: number;
  /** 0: organic. */
  linkId: number;
  clickId: string | null;
  campaign: string;
  network: string;
  platform: string;
  country: string;
  /** click_id, adid, fingerprint, or '' (organic). */
  match: string;
  /** -1 for organic events. */
  delayBucket: number;
  /** ISO 4217, '' without revenue. */
  currency: string;
  /** Decimal text; null without revenue. */
  revenue: string | null;
  source?: EventSource;
}

const TRACK_TYPE = '/v1/track';
const REVENUE = /^-?\d{1,17}(\.\d{1,6})?$/;
const CURRENCY = /^[A-Z]{3}$/;

function text(value: unknown, max = 128): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

interface RawEventMessage {
  type?: unknown;
  ts?: unknown;
  message_id?: unknown;
  event?: unknown;
  timestamp?: unknown;
  platform?: unknown;
  country?: unknown;
  params?: Record<string, unknown> | null;
  attribution?: { click_id?: unknown; link_id?: unknown; campaign?: unknown; network?: unknown; match?: unknown; seconds_since_click?: unknown } | null;
}

/** The statistics' view of one event message, or why it cannot be counted. Pure. */
export function toConversionEvent(value: string, source?: EventSource): ConversionEvent | { skip: string } {
  let raw: RawEventMessage;
  try {
    raw = JSON.parse(value) as RawEventMessage;
  } catch {
    return { skip: 'not_json' };
  }
  if (typeof raw !== 'object' || raw === null || raw.type !== TRACK_TYPE) return { skip: 'other_type' };
  const id = text(raw.message_id, 128);
  const event = text(raw.event, 64);
  if (!id || !event) return { skip: 'no_id' };
  const at = Date.parse(text(raw.timestamp, 40));
  const ts = Number.isFinite(at) ? Math.floor(at / 1000) : Number(raw.ts);
  if (!Number.isFinite(ts) || ts < 0 || ts > 32_503_680_000) return { skip: 'bad_ts' };
  const params = raw.params ?? {};
  const revenueText = text(params.revenue, 32);
  const currency = text(params.currency, 3);
  const revenue = REVENUE.test(revenueText) && CURRENCY.test(currency) ? revenueText : null;
  const a = raw.attribution;
  const linkId = a ? Number(a.link_id) : 0;
  const attributed = a !== null && a !== undefined && Number.isSafeInteger(linkId) && linkId > 0;
  const delay = attributed ? Number(a.seconds_since_click) : Number.NaN;
  return {
    id,
    event,
    ts,
    linkId: attributed ? linkId : 0,
    clickId: attributed ? text(a.click_id, 64) || null : null,
    campaign: attributed ? text(a.campaign, 256) : '',
    network: attributed ? text(a.network, 256) : '',
    platform: text(raw.platform, 16),
    country: text(raw.country, 8),
    match: attributed ? text(a.match, 16) : '',
    delayBucket: attributed && Number.isFinite(delay) ? delayBucket(Math.max(0, delay)) : -1,
    currency: revenue === null ? '' : currency,
    revenue,
    ...(source ? { source } : {}),
  };
}
