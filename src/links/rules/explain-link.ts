import type { Link } from '../link.ts';
import { compiledRulesOf } from './compile-rules.ts';
import { explain, type RuleTrace } from './decide.ts';
import type { DeviceType } from './rule-schema.ts';
import { scheduleState, type ScheduleState } from './schedule.ts';
import type { VisitorHash } from './variants.ts';
import type { RulePlatform, Visitor } from './visitor.ts';

/** A described visitor, as the explain API and the admin's "test this link" form take it. */
export interface DescribedVisitor {
  userAgent: string;
  /** Given: used as is. Absent: looked up from `ip` as the click path does. */
  country: string | undefined;
  languages: readonly string[];
  ip: string;
  query: Record<string, string>;
  nowMs: number;
}

export interface ExplainDeps {
  visitorHash: VisitorHash;
  detectPlatform: (userAgent: string) => RulePlatform;
  deviceType: (userAgent: string) => DeviceType;
  /** The click path's own GeoIP lookup. */
  countryOf: (ip: string) => Promise<string | null>;
}

export interface LinkExplanation {
  visitor: { platform: RulePlatform; device: DeviceType; country: string | null; languages: string[]; ip: string; time: string };
  schedule: ScheduleState;
  /** `redirect`: to `target`; `expired`: outside the schedule (to `expired_url`, else unknown); `no_target`: nothing for the platform. */
  answer: 'redirect' | 'expired' | 'no_target';
  rule: { index: number; name: string } | null;
  variant: string | null;
  /** The URL chosen, before store parameters and templates are added. */
  target: string | null;
  rules: RuleTrace[];
  max_clicks: number | null;
}

/**
 * Runs the click path's own schedule check and rule evaluation for a described visitor,
 * with every reason collected. The click limit is not checked (that would use up a click).
 */
export async function explainLink(link: Link, described: DescribedVisitor, deps: ExplainDeps): Promise<LinkExplanation> {
  const platform = deps.detectPlatform(described.userAgent);
  const device = deps.deviceType(described.userAgent);
  const country = described.country !== undefined ? described.country.toUpperCase() : described.ip ? await deps.countryOf(described.ip) : null;
  const visitor: Visitor = {
    platform,
    ip: described.ip,
    userAgent: described.userAgent,
    query: described.query,
    nowMs: described.nowMs,
    languages: () => described.languages,
    country: () => country,
    deviceType: () => device,
  };
  const schedule = scheduleState(link, described.nowMs);
  const compiled = compiledRulesOf(link.rules ?? []);
  const e = explain(compiled, { linkId: link.id, targets: link.targets, hash: deps.visitorHash }, visitor);
  const answer = schedule !== 'active' ? 'expired' : e.target === undefined ? 'no_target' : 'redirect';
  return {
    visitor: { platform, device, country, languages: [...described.languages], ip: described.ip, time: new Date(described.nowMs).toISOString() },
    schedule,
    answer,
    rule: answer === 'expired' ? null : e.rule,
    variant: answer === 'expired' ? null : e.variant,
    target: answer === 'expired' ? link.expiredUrl : (e.target ?? null),
    rules: answer === 'expired' ? [] : e.rules,
    max_clicks: link.maxClicks,
  };
}
