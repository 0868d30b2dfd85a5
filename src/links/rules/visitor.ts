import type { DeviceType } from './rule-schema.ts';

export type RulePlatform = 'ios' | 'android' | 'web';

/**
 * What the rules may ask about a visitor. The costly facts (country: a GeoIP lookup;
 * device type: a UA parse; languages: a header parse) are functions, asked only when a
 * rule reaches that condition, so a link whose first rule matches on the platform never
 * pays for the rest.
 */
export interface Visitor {
  platform: RulePlatform;
  /** The client address (before any IP privacy truncation). */
  ip: string;
  userAgent: string;
  query: Readonly<Record<string, string>>;
  nowMs: number;
  languages(): readonly string[];
  /** ISO code, upper case, or null when unknown. */
  country(): string | null;
  deviceType(): DeviceType;
}
