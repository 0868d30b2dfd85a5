import { statsHeaderOf } from '../shared/stats-fields.ts';
import type { MessageFormat, Render } from './batch.ts';
import { createEnricher, toAdtekioMessage } from './enrich/enrich.ts';
import type { GeoLookup } from './enrich/geoip.ts';
import { createAgentParser } from './enrich/user-agent.ts';

/** Enriches a line and writes it as the Kafka message value in the configured format. */
export function createRenderer(geo: GeoLookup, format: MessageFormat, enrich = true): Render {
  if (!enrich) return (line) => ({ value: JSON.stringify(line) });
  const enrichLine = createEnricher({ geo, parseAgent: createAgentParser() });
  // The header comes from the enriched event in either format: the statistics count clicks
  // sent in the original text format too.
  return format === 'adtekio'
    ? (line, rawParams, nowMs) => {
        const event = enrichLine(line, nowMs);
        return { value: toAdtekioMessage(event, rawParams), stats: statsHeaderOf(event) };
      }
    : (line, _rawParams, nowMs) => {
        const event = enrichLine(line, nowMs);
        return { value: JSON.stringify(event), stats: statsHeaderOf(event) };
      };
}
