import { decodeLine, IMPRESSION_TYPE, type EventLine } from '../shared/click-line.ts';
import { TRACK_TYPE } from '../shared/track-event.ts';
import type { OutgoingMessage } from './sink/event-sink.ts';

export type MessageFormat = 'json' | 'adtekio';

/** A message value and, for a click or an impression, its stats header (shared/stats-fields.ts). */
export interface Rendered {
  value: string;
  stats?: string | undefined;
}

/** Turns a decoded line into its message (render.ts). */
export type Render = (line: EventLine, rawParams: string, nowMs: number) => Rendered;

export interface BatchDeps {
  /** Turns a decoded line into the message value (JSON or the original text format) and its stats header. */
  render: Render;
  topicPrefix: string;
  /** Sees each line that was rendered (the attribution keeps the clicks to index them). */
  onLine?: (line: EventLine) => void;
}

export interface PreparedBatch {
  messages: OutgoingMessage[];
  /** Dead-letter entries: the whole line and why it was refused, as JSON. */
  invalid: string[];
  /** Seconds each delivered line waited between the click and now. */
  klags: number[];
  /** Runs once the sink confirmed the batch and before it is acknowledged (index clicks, park events). */
  settle?: () => Promise<void>;
  /** Events in the batch by outcome (`click_id`, `adid`, `fingerprint`, `organic`), and those parked to wait for their click. */
  events?: { outcomes: Record<string, number>; parked: number };
}

/**
 * The key consumers dedupe by: the event's own id, the same field its message carries
 * (`impression_id` for an impression, `message_id` for an app's event, `click_id` otherwise);
 * other event types their own id.
 */
function messageKey(line: EventLine): string | undefined {
  const { params } = line;
  const own = line.type === IMPRESSION_TYPE ? params.impression_id : line.type === TRACK_TYPE ? params.message_id : params.click_id;
  return own || params.event_id || params.id || undefined;
}

export function deadLetter(raw: string, reason: string, nowMs: number): string {
  return JSON.stringify({ reason, line: raw, at: new Date(nowMs).toISOString() });
}

/** Decodes and renders one batch; a broken line never stops its batch-mates. */
export function prepareBatch(raw: readonly string[], deps: BatchDeps, nowMs: number): PreparedBatch {
  const batch: PreparedBatch = { messages: [], invalid: [], klags: [] };
  for (const text of raw) {
    const decoded = decodeLine(text);
    if (!decoded.ok) {
      batch.invalid.push(deadLetter(text, `${decoded.error.code}: ${decoded.error.message}`, nowMs));
      continue;
    }
    const { line, rawParams } = decoded;
    let rendered: Rendered;
    try {
      rendered = deps.render(line, rawParams, nowMs);
    } catch (err) {
      batch.invalid.push(deadLetter(text, `render_failed: ${(err as Error).message}`, nowMs));
      continue;
    }
    const message: OutgoingMessage = { topic: deps.topicPrefix + line.topic, key: messageKey(line), value: rendered.value };
    if (rendered.stats !== undefined) message.stats = rendered.stats;
    batch.messages.push(message);
    batch.klags.push(Math.max(0, nowMs / 1000 - line.ts));
    deps.onLine?.(line);
  }
  return batch;
}
