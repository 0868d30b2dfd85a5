import { isZeroAdId, normaliseAdId } from '../click/ad-ids.ts';

/**
 * One event as an app or a server sends it to `/v1/track` or inside `/v1/batch`, checked
 * on its own: a bad event is refused with every reason, and the rest of its batch goes on.
 * Pure: the clock and the id generator are handed in.
 */
export interface IngestEvent {
  messageId: string;
  event: string;
  /** Unix milliseconds: the time sent, or the server's when that was missing or off (see `correctedTime`). */
  timestampMs: number;
  /** The time as sent (ISO-8601), only when it was replaced. */
  originalTimestamp?: string;
  clickId?: string;
  adid?: string;
  idfa?: string;
  gaid?: string;
  idfaMd5?: string;
  idfaSha1?: string;
  platform?: string;
  appVersion?: string;
  /** A decimal string, as sent (no float rounding on its way to Kafka). */
  revenue?: string;
  currency?: string;
  /** Compact JSON text of the object. */
  properties?: string;
}

export type EventCheck = { ok: true; event: IngestEvent } | { ok: false; errors: string[] };

export interface EventContext {
  nowMs: number;
  newMessageId: () => string;
  /** The write key's platform, for events that name none (`server` keys give none). */
  defaultPlatform?: string | undefined;
}

export const PROPERTIES_MAX_BYTES = 32 * 1024;
/** Older than this, a sent time is a device clock that is wrong (or an event held too long). */
export const MAX_PAST_MS = 24 * 60 * 60_000;
/** Later than this, a sent time is a device clock that runs ahead. */
export const MAX_FUTURE_MS = 30 * 60_000;

const NAME_MAX = 128;
const MESSAGE_ID = /^[\x21-\x7e]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;
const HEX40 = /^[0-9a-f]{40}$/i;
const PLATFORM = /^[a-z0-9_.-]{1,32}$/;
const DECIMAL = /^-?\d{1,13}(\.\d{1,8})?$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// Whatever this Node's ICU knows as a currency: the ISO 4217 list, kept current by Node.
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * The event's time: the one sent, unless it lies more than `MAX_PAST_MS` behind or
 * `MAX_FUTURE_MS` ahead of the server's clock; then the server's, with the sent one kept.
 */
export function correctedTime(sentMs: number | undefined, sentText: string | undefined, nowMs: number): { timestampMs: number; originalTimestamp?: string } {
  if (sentMs === undefined) return { timestampMs: nowMs };
  if (sentMs < nowMs - MAX_PAST_MS || sentMs > nowMs + MAX_FUTURE_MS) {
    return { timestampMs: nowMs, originalTimestamp: sentText ?? new Date(sentMs).toISOString() };
  }
  return { timestampMs: sentMs };
}

export function checkEvent(raw: unknown, ctx: EventContext): EventCheck {
  if (!isObject(raw)) return { ok: false, errors: ['event: each event must be a JSON object'] };
  const errors: string[] = [];
  const out: Partial<IngestEvent> = {};
  const text = (field: string, max: number): string | undefined => {
    const value = raw[field];
    if (!present(value)) return undefined;
    if (typeof value !== 'string') errors.push(`${field}: must be text`);
    else if (value.length > max) errors.push(`${field}: must be at most ${max} characters`);
    else if (CONTROL.test(value)) errors.push(`${field}: must not contain control characters`);
    else return value;
    return undefined;
  };

  const name = text('event', NAME_MAX);
  if (name !== undefined) out.event = name;
  else if (!present(raw.event)) errors.push('event: is required (install, open, purchase, lead or a name of your own)');

  if (present(raw.messageId)) {
    if (typeof raw.messageId === 'string' && MESSAGE_ID.test(raw.messageId)) out.messageId = raw.messageId;
    else errors.push('messageId: must be 1 to 128 printable characters without spaces');
  } else out.messageId = ctx.newMessageId();

  Object.assign(out, timeOf(raw.timestamp, ctx.nowMs, errors));

  if (present(raw.click_id)) {
    if (typeof raw.click_id === 'string' && UUID.test(raw.click_id)) out.clickId = raw.click_id.toLowerCase();
    else errors.push('click_id: must be the click id the tracker handed out (a UUID)');
  }
  for (const field of ['adid', 'idfa', 'gaid'] as const) {
    const value = raw[field];
    if (!present(value)) continue;
    const id = typeof value === 'string' ? normaliseAdId(value) : null;
    if (id === null) errors.push(`${field}: must be an advertising id: 32 hex digits, with or without dashes`);
    // The opt-out id is all zeros on every device that denied tracking: never an id to match on.
    else if (!isZeroAdId(id)) out[field] = id;
  }
  for (const [field, key, shape, digits] of [
    ['idfa_md5', 'idfaMd5', HEX32, 32],
    ['idfa_sha1', 'idfaSha1', HEX40, 40],
  ] as const) {
    const value = raw[field];
    if (!present(value)) continue;
    if (typeof value !== 'string' || !shape.test(value)) errors.push(`${field}: must be ${digits} hex digits`);
    else if (!isZeroAdId(value.toLowerCase())) out[key] = value.toLowerCase();
  }

  const platform = text('platform', 32)?.toLowerCase();
  if (platform !== undefined) {
    if (PLATFORM.test(platform)) out.platform = platform;
    else errors.push('platform: must be ios, android, web or a short name of letters, digits, ".", "_" or "-"');
  } else if (ctx.defaultPlatform) out.platform = ctx.defaultPlatform;

  const appVersion = text('app_version', 64);
  if (appVersion !== undefined) out.appVersion = appVersion;

  Object.assign(out, moneyOf(raw.revenue, raw.currency, errors));

  if (present(raw.properties)) {
    if (!isObject(raw.properties)) errors.push('properties: must be a JSON object');
    else {
      const json = JSON.stringify(raw.properties);
      const bytes = Buffer.byteLength(json);
      if (bytes > PROPERTIES_MAX_BYTES) errors.push(`properties: must be at most ${PROPERTIES_MAX_BYTES} bytes as JSON (is ${bytes})`);
      else out.properties = json;
    }
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, event: out as IngestEvent };
}

function timeOf(value: unknown, nowMs: number, errors: string[]): { timestampMs?: number; originalTimestamp?: string } {
  if (!present(value)) return correctedTime(undefined, undefined, nowMs);
  let sentMs: number | undefined;
  // Unix milliseconds, or ISO-8601 with a date and time: a bare date is too coarse to order a purchase after its install.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) sentMs = value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && value.length <= 40) {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) sentMs = parsed;
  }
  if (sentMs === undefined) {
    errors.push('timestamp: must be an ISO-8601 date-time (2026-03-01T12:00:00Z) or Unix milliseconds');
    return {};
  }
  return correctedTime(sentMs, typeof value === 'string' ? value : undefined, nowMs);
}

function moneyOf(revenue: unknown, currency: unknown, errors: string[]): { revenue?: string; currency?: string } {
  const out: { revenue?: string; currency?: string } = {};
  if (present(revenue)) {
    const textValue = typeof revenue === 'number' && Number.isFinite(revenue) ? String(revenue) : typeof revenue === 'string' ? revenue : '';
    if (DECIMAL.test(textValue)) out.revenue = textValue;
    else errors.push('revenue: must be a decimal number such as 4.99 (at most 13 digits before the point and 8 after)');
  }
  if (present(currency)) {
    const code = typeof currency === 'string' ? currency.toUpperCase() : '';
    if (CURRENCIES.has(code)) out.currency = code;
    else errors.push('currency: must be an ISO 4217 currency code such as USD or EUR');
  } else if (out.revenue !== undefined) errors.push('currency: is required with revenue (an ISO 4217 code such as USD)');
  return out;
}
