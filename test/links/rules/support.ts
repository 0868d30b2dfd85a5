import { compileRules } from '../../../src/links/rules/compile-rules.ts';
import type { DecideContext } from '../../../src/links/rules/decide.ts';
import { rulesSchema, type DeviceType } from '../../../src/links/rules/rule-schema.ts';
import { createVisitorHash } from '../../../src/links/rules/variants.ts';
import type { RulePlatform, Visitor } from '../../../src/links/rules/visitor.ts';

export const LINK_TARGETS = { ios: 'https://apps.apple.com/app/id1', android: 'market://details?id=a', default: 'https://example.com/' };

export function ctx(overrides: Partial<DecideContext> = {}): DecideContext {
  return { linkId: 7, targets: LINK_TARGETS, hash: createVisitorHash('test-key'), ...overrides };
}

/** Parses through the schema, as every stored rule was, then compiles. */
export function rules(input: unknown) {
  return compileRules(rulesSchema.parse(input));
}

export interface VisitorFacts {
  platform?: RulePlatform;
  ip?: string;
  userAgent?: string;
  query?: Record<string, string>;
  nowMs?: number;
  languages?: string[];
  country?: string | null;
  device?: DeviceType;
}

export function visitor(facts: VisitorFacts = {}): Visitor & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    platform: facts.platform ?? 'web',
    ip: facts.ip ?? '203.0.113.7',
    userAgent: facts.userAgent ?? 'Mozilla/5.0 test',
    query: facts.query ?? {},
    nowMs: facts.nowMs ?? Date.parse('2026-06-01T12:00:00Z'),
    languages: () => {
      asked.push('languages');
      return facts.languages ?? [];
    },
    country: () => {
      asked.push('country');
      return facts.country ?? null;
    },
    deviceType: () => {
      asked.push('device');
      return facts.device ?? 'desktop';
    },
  };
}
