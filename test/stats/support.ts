import { randomUUID } from 'node:crypto';
import { createVisitorHasher, type EventSource, type StatsEvent, toStatsEvent } from '../../src/stats/stats-event.ts';

/** The visitors' hash key of the tests (`hashKey` of a consumer). */
export const HASH_KEY = 'test-key';
export const hashVisitor = createVisitorHasher(HASH_KEY);

export interface EventSpec {
  linkId: number;
  ts: number;
  id?: string;
  bot?: boolean;
  type?: '/t/click' | '/t/imp';
  country?: string | null;
  platform?: string;
  lookupKey?: string;
  referer?: string;
  device?: string;
  campaign?: string;
}

/** An enriched event as the worker writes it to Kafka (only the fields the stats read vary). */
export function enrichedJson(spec: EventSpec): string {
  const id = spec.id ?? randomUUID();
  const type = spec.type ?? '/t/click';
  const idField = type === '/t/click' ? 'click_id' : 'impression_id';
  return JSON.stringify({
    type,
    path: type,
    click_id: type === '/t/click' ? id : null,
    ts: spec.ts,
    received_at: new Date(spec.ts * 1000).toISOString(),
    klag: 0,
    ip: '198.51.100.7',
    country: spec.country === undefined ? 'US' : spec.country,
    platform: 'ios',
    device: { type: spec.device ?? 'smartphone', vendor: 'Apple', model: 'iPhone' },
    os: { name: 'iOS', version: '17.5' },
    browser: { name: 'Mobile Safari', version: '17.5' },
    bot: spec.bot ?? false,
    bot_name: spec.bot ? 'curl' : null,
    params: {
      [idField]: id,
      link_id: String(spec.linkId),
      slug: 's',
      campaign: spec.campaign ?? 'spring',
      network: 'meta',
      platform: spec.platform ?? 'ios',
      ...(spec.lookupKey ? { lookup_key: spec.lookupKey } : {}),
      ...(spec.referer ? { referer_host: spec.referer } : {}),
    },
    user_agent: 'Mozilla/5.0 (iPhone)',
  });
}

export function statsEvent(spec: EventSpec, source?: EventSource): StatsEvent {
  const event = toStatsEvent(enrichedJson(spec), hashVisitor, source);
  if ('skip' in event) throw new Error(`fixture skipped: ${event.skip}`);
  return event;
}
