import { randomUUID } from 'node:crypto';
import { type ConversionEvent, toConversionEvent } from '../../src/stats/conversion-event.ts';
import type { EventSource } from '../../src/stats/stats-event.ts';

export interface ConversionSpec {
  linkId?: number;
  ts: number;
  id?: string;
  event?: string;
  campaign?: string;
  network?: string;
  match?: 'click_id' | 'adid' | 'fingerprint';
  secondsSinceClick?: number;
  revenue?: string;
  currency?: string;
  platform?: string;
  country?: string;
}

/** An event message as the worker writes it to the `events` topic (only what the stats read varies). */
export function eventJson(spec: ConversionSpec): string {
  const id = spec.id ?? randomUUID();
  const attribution =
    spec.linkId === undefined
      ? null
      : {
          click_id: randomUUID(),
          link_id: spec.linkId,
          slug: `s${spec.linkId}`,
          campaign: spec.campaign ?? 'spring',
          adgroup: 'ag',
          ad: 'ad',
          network: spec.network ?? 'meta',
          match: spec.match ?? 'click_id',
          click_ts: spec.ts - (spec.secondsSinceClick ?? 120),
          seconds_since_click: spec.secondsSinceClick ?? 120,
        };
  return JSON.stringify({
    type: '/v1/track',
    path: '/v1/track',
    ts: spec.ts,
    received_at: new Date(spec.ts * 1000).toISOString(),
    klag: 0,
    ip: '198.51.100.7',
    country: spec.country ?? 'US',
    platform: spec.platform ?? 'android',
    device: { type: 'smartphone', vendor: null, model: null },
    os: { name: 'Android', version: '14' },
    browser: { name: null, version: null },
    bot: false,
    bot_name: null,
    params: {
      message_id: id,
      event: spec.event ?? 'install',
      ...(spec.revenue ? { revenue: spec.revenue, currency: spec.currency ?? 'USD' } : {}),
    },
    user_agent: 'okhttp/4.12.0',
    message_id: id,
    event: spec.event ?? 'install',
    timestamp: new Date(spec.ts * 1000).toISOString(),
    attribution,
  });
}

export function conversionEvent(spec: ConversionSpec, source?: EventSource): ConversionEvent {
  const event = toConversionEvent(eventJson(spec), source);
  if ('skip' in event) throw new Error(`fixture skipped: ${event.skip}`);
  return event;
}
