import { isIP } from 'node:net';
import { cutText } from './text.ts';

/**
 * The queued line, shared by the web process (encode) and the worker (decode):
 *
 *   <ip> <ts> <topic> <type> <params> <user agent>
 *
 * Single spaces; the user agent is last because it is the only field that may hold
 * spaces. The format predates us (other trackers of the same stack push onto the same
 * list), so it stays byte-compatible: nothing here may start escaping differently.
 */
export interface EventLine {
  ip: string;
  /** Unix seconds when the tracker received the request. */
  ts: number;
  topic: string;
  type: string;
  params: Record<string, string>;
  userAgent: string;
}

export const USER_AGENT_MAX_CHARS = 1024;

/** The type of a click line (`GET /t/click/:slug`); its id is `click_id`. */
export const CLICK_TYPE = '/t/click';

/** The type of an impression line; the worker names its id `impression_id` by it. */
export const IMPRESSION_TYPE = '/t/imp';

export type LineErrorCode =
  | 'too_few_fields'
  | 'bad_ip'
  | 'bad_ts'
  | 'bad_topic'
  | 'bad_type'
  | 'bad_params';

export class LineDecodeError extends Error {
  readonly code: LineErrorCode;
  constructor(code: LineErrorCode, message: string) {
    super(message);
    this.name = 'LineDecodeError';
    this.code = code;
  }
}

/** `rawParams` is the params field as queued, for formats that pass it through untouched. */
export type DecodeResult = { ok: true; line: EventLine; rawParams: string } | { ok: false; error: LineDecodeError };

// Kafka topic names allow exactly these characters; anything else would fail at produce.
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const TYPE = /^\/[\x21-\x7e]*$/;
// C0 and C1 controls, DEL, and the Unicode line/paragraph separators: any of them could
// split or corrupt a line in a log, a terminal or a line-oriented consumer.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Strips control characters and caps the length without splitting a surrogate pair. */
export function sanitizeUserAgent(userAgent: string): string {
  return cutText(userAgent.replace(CONTROL, ''), USER_AGENT_MAX_CHARS);
}

/** One `key=value` pair; readable by URLSearchParams, and several times cheaper to make. */
export function encodeParam(key: string, value: string): string {
  return `${encodeComponent(key)}=${encodeComponent(value)}`;
}

// Most of a click's values (ids, slugs, platform names) need no escaping at all.
const PLAIN = /^[A-Za-z0-9._~-]*$/;

/** One key or value of the params field, escaped exactly as `encodeParams` does. */
export function encodeComponent(text: string): string {
  if (PLAIN.test(text)) return text;
  // toWellFormed: a lone surrogate would make encodeURIComponent throw on a visitor's query.
  return encodeURIComponent(text.toWellFormed());
}

export function encodeParams(params: Record<string, string>): string {
  let out = '';
  for (const key in params) {
    if (!Object.hasOwn(params, key)) continue;
    out += (out === '' ? '' : '&') + encodeParam(key, params[key] as string);
  }
  return out;
}

export function encodeLine(line: EventLine): string {
  return encodeLineWithParams(line, encodeParams(line.params));
}

/**
 * `encodeLine` for a caller that wrote the params field itself with `encodeComponent`: the
 * click path does, which spares an object and a pass over it per click.
 */
export function encodeLineWithParams(line: Omit<EventLine, 'params'>, encodedParams: string): string {
  if (!isIP(line.ip)) throw new TypeError(`encodeLine: not an IP address: ${line.ip}`);
  if (!Number.isSafeInteger(line.ts) || line.ts < 0) throw new TypeError(`encodeLine: bad ts: ${line.ts}`);
  if (!TOPIC.test(line.topic)) throw new TypeError(`encodeLine: bad topic: ${line.topic}`);
  if (!TYPE.test(line.type)) throw new TypeError(`encodeLine: bad type: ${line.type}`);
  if (encodedParams.includes(' ')) throw new TypeError('encodeLine: the params field holds a space');
  return `${line.ip} ${line.ts} ${line.topic} ${line.type} ${encodedParams} ${sanitizeUserAgent(line.userAgent)}`;
}

function fail(code: LineErrorCode, message: string): DecodeResult {
  return { ok: false, error: new LineDecodeError(code, message) };
}

/** Never throws: a broken line is data for the dead-letter list, not a crash. */
export function decodeLine(raw: string): DecodeResult {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const space = raw.indexOf(' ', start);
    if (space === -1) {
      // A line that ends right after its params has an empty user agent.
      if (i === 4) {
        fields.push(raw.slice(start));
        start = raw.length;
        break;
      }
      return fail('too_few_fields', `expected 6 space-separated fields, found ${i + 1}`);
    }
    fields.push(raw.slice(start, space));
    start = space + 1;
  }
  const [ip = '', tsText = '', topic = '', type = '', paramsText = ''] = fields;
  if (!isIP(ip)) return fail('bad_ip', `not an IP address: ${JSON.stringify(ip.slice(0, 64))}`);
  if (!/^\d{1,15}$/.test(tsText)) return fail('bad_ts', `not Unix seconds: ${JSON.stringify(tsText.slice(0, 32))}`);
  if (!TOPIC.test(topic)) return fail('bad_topic', `not a topic name: ${JSON.stringify(topic.slice(0, 64))}`);
  if (!TYPE.test(type)) return fail('bad_type', `not an event type: ${JSON.stringify(type.slice(0, 64))}`);
  const params = decodeParams(paramsText);
  if (!params) return fail('bad_params', 'params are not a URL-encoded query string');
  return {
    ok: true,
    line: { ip, ts: Number(tsText), topic, type, params, userAgent: raw.slice(start) },
    rawParams: paramsText,
  };
}

function decodeParams(text: string): Record<string, string> | null {
  // A bare % that is not an escape means the producer did not encode: refuse rather than guess.
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return null;
  // First value wins for a repeated key; a Map keeps keys like __proto__ as plain data.
  const seen = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(text)) {
    if (!seen.has(key)) seen.set(key, value);
  }
  return Object.fromEntries(seen);
}
