import { CLICK_TYPE, decodeLine, type EventLine } from '../../shared/click-line.ts';
import { isTrackLine, TRACK_TOPIC, TRACK_TYPE } from '../../shared/track-event.ts';
import { attributeEvents, type Attribution, type AttributionSettings, type PendingEvent } from '../attribution/attributor.ts';
import type { ClickIndex } from '../attribution/click-index.ts';
import { eventKeys } from '../attribution/event-keys.ts';
import { indexedClick, type IndexedClick } from '../attribution/indexed-click.ts';
import type { ParkingLot } from '../attribution/parking.ts';
import { deadLetter, prepareBatch, type BatchDeps, type PreparedBatch } from '../batch.ts';
import type { Enricher, EventFields } from '../enrich/enrich.ts';

/** The Kafka message of an app's event (topic `events`): the click envelope plus the event's own fields. */
export interface EventMessage extends EventFields {
  message_id: string;
  event: string;
  /** ISO-8601 of the event's (corrected) time. */
  timestamp: string;
  attribution: Attribution | null;
}

export interface EventPrepareDeps extends Omit<BatchDeps, 'onLine'> {
  /** Events are always enriched (and always JSON): the attribution needs their platform. */
  enrichLine: Enricher;
  /** This list's index: its clicks are added here, its events' decisions kept here. */
  index: ClickIndex;
  /** Where clicks are looked up: every list's index (findInAll); default this list's. */
  lookup?: Pick<ClickIndex, 'find'>;
  settings: AttributionSettings;
  /** This list's parking lot; without one an unmatched event goes out as organic at once. */
  parking?: ParkingLot | undefined;
  /** Oldest line still waiting in any click list (see ParkingLot.oldestWaitingTs). */
  oldestWaitingTs: () => Promise<number | undefined>;
}

const MAX_DATE_MS = 8.64e15;

/** The event's corrected time in ms (the `timestamp` param), else when the server received it. */
function eventTimeMs(line: EventLine): number {
  const ms = Number(line.params.timestamp);
  return Number.isSafeInteger(ms) && ms > 0 && ms <= MAX_DATE_MS ? ms : line.ts * 1000;
}

interface Tracked extends PendingEvent {
  raw: string;
  eventMs: number;
  envelope: EventFields;
}

/**
 * A batch's preparation with events: clicks, impressions and other lines as before
 * (prepareBatch), events attributed against the clicks already delivered and this batch's
 * own. `settle` (after the sink confirmed, before the acknowledgement) indexes this batch's
 * clicks and parks the events still waiting for theirs.
 */
export function createEventPreparer(deps: EventPrepareDeps): (raw: string[], nowMs: number) => Promise<PreparedBatch> {
  return async (raw, nowMs) => {
    const rest: string[] = [];
    const candidates: string[] = [];
    for (const text of raw) (isTrackLine(text) ? candidates : rest).push(text);
    const clicks: IndexedClick[] = [];
    const onLine = (line: EventLine) => {
      if (line.type !== CLICK_TYPE) return;
      const click = indexedClick(line);
      if (click) clicks.push(click);
    };
    const tracked: Tracked[] = [];
    const invalid: string[] = [];
    for (const text of candidates) {
      const decoded = decodeLine(text);
      if (!decoded.ok || decoded.line.topic !== TRACK_TOPIC || decoded.line.type !== TRACK_TYPE) {
        rest.push(text); // not an event after all (" events /v1/track " in a user agent): the usual path
        continue;
      }
      const { line } = decoded;
      if (!line.params.message_id || !line.params.event) {
        invalid.push(deadLetter(text, 'no_message_id: an event line needs message_id and event', nowMs));
        continue;
      }
      let envelope: EventFields;
      try {
        const { click_id: _clickId, impression_id: _impressionId, ...fields } = deps.enrichLine(line, nowMs);
        // The platform the app says it runs on: SDK and server agents (okhttp, CFNetwork,
        // curl) tell the parser little, and it is half of the fingerprint.
        envelope = line.params.platform ? { ...fields, platform: line.params.platform.toLowerCase() } : fields;
      } catch (err) {
        invalid.push(deadLetter(text, `render_failed: ${(err as Error).message}`, nowMs));
        continue;
      }
      const eventMs = eventTimeMs(line);
      tracked.push({ raw: text, line, envelope, keys: eventKeys(line.params, line.ip, envelope.platform), eventMs, eventTs: Math.floor(eventMs / 1000) });
    }
    const batch = prepareBatch(rest, { ...deps, onLine }, nowMs);
    batch.invalid.push(...invalid);

    const outcomes = await attributeEvents(tracked, deps.lookup ?? deps.index, clicks, { nowMs, settings: deps.settings, oldestWaitingTs: deps.oldestWaitingTs });
    const toPark: Array<{ raw: string; dueMs: number }> = [];
    const decided: Array<{ event: Tracked; attribution: Attribution | null }> = [];
    outcomes.forEach((outcome, i) => {
      const event = tracked[i] as Tracked;
      if ('retryAtMs' in outcome && deps.parking) toPark.push({ raw: event.raw, dueMs: outcome.retryAtMs });
      else decided.push({ event, attribution: 'attribution' in outcome ? outcome.attribution : null });
    });
    // The first decision per message_id stands: a batch delivered again after a crash says
    // the same, even if a newer click arrived in between.
    const stored = await deps.index.decide(decided.map(({ event, attribution }) => [event.line.params.message_id as string, JSON.stringify(attribution)]));
    const tally: Record<string, number> = {};
    decided.forEach(({ event }, i) => {
      const attribution = JSON.parse(stored[i] as string) as Attribution | null;
      const { params } = event.line;
      const message: EventMessage = {
        ...event.envelope,
        message_id: params.message_id as string,
        event: params.event as string,
        timestamp: new Date(event.eventMs).toISOString(),
        attribution,
      };
      batch.messages.push({ topic: deps.topicPrefix + TRACK_TOPIC, key: message.message_id, value: JSON.stringify(message) });
      batch.klags.push(Math.max(0, nowMs / 1000 - event.line.ts));
      const outcome = attribution?.match ?? 'organic';
      tally[outcome] = (tally[outcome] ?? 0) + 1;
    });
    if (tracked.length > 0) batch.events = { outcomes: tally, parked: toPark.length };
    const nowS = Math.floor(nowMs / 1000);
    batch.settle = async () => {
      await deps.index.add(clicks, nowS);
      if (toPark.length > 0) await deps.parking?.park(toPark);
    };
    return batch;
  };
}
