import type { EventLine } from '../shared/click-line.ts';
import type { MessageFormat } from './batch.ts';
import { createEnricher, toAdtekioMessage } from './enrich/enrich.ts';
import type { GeoLookup } from './enrich/geoip.ts';
import { createAgentParser } from './enrich/user-agent.ts';

export type Render = (line: EventLine, rawParams: string, nowMs: number) => string;

/** Enriches a line and writes it as the Kafka message value in the configured format. */
export function createRenderer(geo: GeoLookup, format: MessageFormat, enrich = true): Render {
  if (!enrich) return (line) => JSON.stringify(line);
  const enrichLine = createEnricher({ geo, parseAgent: createAgentParser() });
  return format === 'adtekio'
    ? (line, rawParams, nowMs) => toAdtekioMessage(enrichLine(line, nowMs), rawParams)
    : (line, _rawParams, nowMs) => JSON.stringify(enrichLine(line, nowMs));
}
