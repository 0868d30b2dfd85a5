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
