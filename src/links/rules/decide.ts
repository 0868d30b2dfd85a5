import { destinationFor, type CompiledDestination, type CompiledRules } from './compile-rules.ts';
import { pickVariant, type VisitorHash } from './variants.ts';
import type { RulePlatform, Visitor } from './visitor.ts';

export interface FallbackTargets {
  ios?: string | undefined;
  android?: string | undefined;
  default?: string | undefined;
}

/** Where a visitor goes, and which rule and variant sent them there. */
export interface Decision {
  /** Null: no rule matched, the link's own targets decided. */
  rule: { index: number; name: string } | null;
  variant: string | null;
  /** Undefined: nothing for this visitor's platform (the unknown-link answer). */
  target: string | undefined;
}

export interface RuleTrace {
  index: number;
  name: string;
  matched: boolean;
  /** Why it did not match: every condition that failed, or that it had no destination. */
  reasons: string[];
}

export interface Explanation extends Decision {
  /** The rules checked, in order, up to and including the one that matched. */
  rules: RuleTrace[];
}

export interface DecideContext {
  linkId: number;
  targets: FallbackTargets;
  hash: VisitorHash;
}

function linkTarget(targets: FallbackTargets, platform: RulePlatform): string | undefined {
  if (platform === 'ios') return targets.ios ?? targets.default;
  if (platform === 'android') return targets.android ?? targets.default;
  return targets.default;
}

function resolve(destination: CompiledDestination, ctx: DecideContext, ruleName: string, visitor: Visitor): { target: string; variant: string | null } {
  if (destination.kind === 'url') return { target: destination.url, variant: null };
  const point = ctx.hash(ctx.linkId, ruleName, visitor.ip, visitor.userAgent);
  const variant = pickVariant(destination.variants, destination.total, point);
  return { target: variant.url, variant: variant.name };
}

/**
 * The one evaluation both the click path and explain run, so they cannot disagree. With
 * `trace`, every condition of a failing rule is checked (explain lists all reasons);
 * without, a rule stops at its first failing condition. The outcome is the same.
 */
function evaluate(compiled: CompiledRules, ctx: DecideContext, visitor: Visitor, trace: RuleTrace[] | null): Decision {
  for (const rule of compiled.rules) {
    let matched = true;
    // Only explain collects reasons; a click stops at a rule's first failing condition.
    const reasons: string[] | null = trace ? [] : null;
    for (const check of rule.checks) {
      if (check.holds(visitor)) continue;
      matched = false;
      if (!reasons) break;
      reasons.push(check.why(visitor));
    }
    const destination = matched ? destinationFor(rule, visitor.platform) : undefined;
    if (matched && destination === undefined) reasons?.push(`has no destination for platform ${visitor.platform}`);
    if (trace && reasons) trace.push({ index: rule.index, name: rule.name, matched: destination !== undefined, reasons });
    if (destination === undefined) continue;
    const { target, variant } = resolve(destination, ctx, rule.name, visitor);
    return { rule: { index: rule.index, name: rule.name }, variant, target };
  }
  return { rule: null, variant: null, target: linkTarget(ctx.targets, visitor.platform) };
}

export function decide(compiled: CompiledRules, ctx: DecideContext, visitor: Visitor): Decision {
  return evaluate(compiled, ctx, visitor, null);
}

export function explain(compiled: CompiledRules, ctx: DecideContext, visitor: Visitor): Explanation {
  const rules: RuleTrace[] = [];
  const decision = evaluate(compiled, ctx, visitor, rules);
  return { ...decision, rules };
}
