import { toConversionEvent, type ConversionEvent } from './conversion-event.ts';
import { toStatsEvent, type EventSource, type StatsEvent, type VisitorHasher } from './stats-event.ts';

/** What one Kafka message is to the statistics. */
export type StatsMessage = StatsEvent | { conversion: ConversionEvent } | { skip: string };

/** A click or impression for the rollups, an app event (topic `events`) for the conversions, or why neither. */
export function parseStatsMessage(value: string, hashVisitor: VisitorHasher, source?: EventSource): StatsMessage {
  const event = toStatsEvent(value, hashVisitor, source);
  if (!('skip' in event) || event.skip !== 'other_type') return event;
  const conversion = toConversionEvent(value, source);
  return 'skip' in conversion ? conversion : { conversion };
}

/** A batch's messages sorted out: what the rollups count, the app events, and the rest by reason. */
export interface SortedMessages {
  events: StatsEvent[];
  conversions: ConversionEvent[];
  skipped: Record<string, number>;
}

/** Every message of a batch parsed; `sources[i]`, when given, is where message i came from. */
export function sortStatsMessages(values: readonly string[], hashVisitor: VisitorHasher, sources?: readonly EventSource[]): SortedMessages {
  const sorted: SortedMessages = { events: [], conversions: [], skipped: {} };
  for (let i = 0; i < values.length; i++) {
    const message = parseStatsMessage(values[i] as string, hashVisitor, sources?.[i]);
    if ('conversion' in message) sorted.conversions.push(message.conversion);
    else if ('skip' in message) sorted.skipped[message.skip] = (sorted.skipped[message.skip] ?? 0) + 1;
    else sorted.events.push(message);
  }
  return sorted;
}
