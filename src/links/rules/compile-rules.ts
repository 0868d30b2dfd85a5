import { languageMatches } from './accept-language.ts';
import { inRange, parseAddress, parseCidr, type CidrRange } from './cidr.ts';
import type { Conditions, Destination, Rule } from './rule-schema.ts';
import { compileTimeWindow, inTimeWindow, timeWindowMiss } from './time-window.ts';
import type { WeightedVariant } from './variants.ts';
import type { RulePlatform, Visitor } from './visitor.ts';

/**
 * One condition. `holds` is all the click path asks; `why` (in words a marketer reads in
 * explain) is asked only by explain, so a click never builds a message it throws away.
 */
export interface Check {
  holds(visitor: Visitor): boolean;
  why(visitor: Visitor): string;
}

export type CompiledDestination =
  | { kind: 'url'; url: string }
  | { kind: 'split'; variants: readonly WeightedVariant[]; total: number };

export interface CompiledRule {
  index: number;
  /** Its `name`, else its position from 1: what the click line's `rule` says. */
  name: string;
  checks: readonly Check[];
  /** One destination for every platform, or per platform with `default` for the rest. */
  destination: CompiledDestination | Partial<Record<'ios' | 'android' | 'default', CompiledDestination>>;
  perPlatform: boolean;
}

export interface CompiledRules {
  rules: readonly CompiledRule[];
  /** Some rule has a country condition: only then does the click path open GeoIP. */
  needsCountry: boolean;
}

const quoteList = (values: readonly string[]) => values.join(', ');

function compileDestination(destination: Destination): CompiledDestination {
  if (typeof destination === 'string') return { kind: 'url', url: destination };
  const variants = destination.map((v, i) => ({ name: v.name ?? String(i + 1), url: v.url, weight: v.weight }));
  return { kind: 'split', variants, total: variants.reduce((sum, v) => sum + v.weight, 0) };
}

function compileChecks(when: Conditions): Check[] {
  const checks: Check[] = [];
  if (when.platforms) {
    const wanted = new Set<string>(when.platforms);
    checks.push({ holds: (v) => wanted.has(v.platform), why: (v) => `platform ${v.platform} is not one of ${quoteList(when.platforms ?? [])}` });
  }
  if (when.devices) {
    const wanted = new Set<string>(when.devices);
    checks.push({ holds: (v) => wanted.has(v.deviceType()), why: (v) => `device ${v.deviceType()} is not one of ${quoteList(when.devices ?? [])}` });
  }
  if (when.query) {
    const conditions = when.query;
    const paramValue = (v: Visitor, param: string) => (Object.hasOwn(v.query, param) ? v.query[param] : undefined);
    const miss = (v: Visitor) => conditions.find((q) => (q.present ? paramValue(v, q.param) === undefined : paramValue(v, q.param) !== q.equals));
    checks.push({
      holds: (v) => miss(v) === undefined,
      why: (v) => {
        const q = miss(v);
        const value = q ? paramValue(v, q.param) : undefined;
        if (!q) return '';
        return value === undefined ? `query parameter ${q.param} is absent` : `query parameter ${q.param} is ${JSON.stringify(value)}, not ${JSON.stringify(q.equals)}`;
      },
    });
  }
  if (when.ips) {
    const ranges = when.ips.map(parseCidr).filter((r): r is CidrRange => r !== null);
    // Addresses repeat (a visitor clicks again, offices share one), and parsing one into a
    // bigint is the dearest step here: the answer is kept per address, cleared when full.
    const known = new Map<string, boolean>();
    checks.push({
      holds: (v) => {
        let inside = known.get(v.ip);
        if (inside === undefined) {
          const address = parseAddress(v.ip);
          inside = address !== null && ranges.some((r) => inRange(address, r));
          if (known.size >= 10_000) known.clear();
          known.set(v.ip, inside);
        }
        return inside;
      },
      why: (v) => `address ${v.ip || '(none)'} is not in ${quoteList(when.ips ?? [])}`,
    });
  }
  if (when.time) {
    const window = compileTimeWindow(when.time);
    checks.push({ holds: (v) => inTimeWindow(window, v.nowMs), why: (v) => timeWindowMiss(window, v.nowMs) ?? '' });
  }
  if (when.languages) {
    const wanted = when.languages.map((l) => l.toLowerCase());
    checks.push({
      holds: (v) => v.languages().some((a) => wanted.some((w) => languageMatches(a, w))),
      why: (v) => `languages ${v.languages().length ? quoteList(v.languages()) : '(none)'} include none of ${quoteList(when.languages ?? [])}`,
    });
  }
  // Last: the GeoIP lookup is the costliest fact, and a rule failing on anything cheaper
  // never needs it.
  if (when.countries) {
    const wanted = new Set(when.countries);
    checks.push({
      holds: (v) => {
        const country = v.country();
        return country !== null && wanted.has(country);
      },
      why: (v) => `country ${v.country() ?? '(unknown)'} is not one of ${quoteList(when.countries ?? [])}`,
    });
  }
  return checks;
}

export function compileRules(rules: readonly Rule[]): CompiledRules {
  const compiled = rules.map((rule, index): CompiledRule => {
    const name = rule.name ?? String(index + 1);
    const checks = compileChecks(rule.when ?? {});
    if (rule.targets) {
      const destination: Partial<Record<'ios' | 'android' | 'default', CompiledDestination>> = {};
      for (const key of ['ios', 'android', 'default'] as const) {
        const d = rule.targets[key];
        if (d !== undefined) destination[key] = compileDestination(d);
      }
      return { index, name, checks, destination, perPlatform: true };
    }
    return { index, name, checks, destination: compileDestination(rule.target as Destination), perPlatform: false };
  });
  return { rules: compiled, needsCountry: rules.some((r) => r.when?.countries !== undefined) };
}

const cache = new WeakMap<readonly Rule[], CompiledRules>();

/**
 * Compiled once per rules array: the link cache holds one object per link version, and a
 * change replaces it, so the compiled form is dropped with it.
 */
export function compiledRulesOf(rules: readonly Rule[]): CompiledRules {
  let compiled = cache.get(rules);
  if (!compiled) {
    compiled = compileRules(rules);
    cache.set(rules, compiled);
  }
  return compiled;
}

/** The platform's own destination, else `default` (as the link's targets work). */
export function destinationFor(rule: CompiledRule, platform: RulePlatform): CompiledDestination | undefined {
  if (!rule.perPlatform) return rule.destination as CompiledDestination;
  const byPlatform = rule.destination as Partial<Record<'ios' | 'android' | 'default', CompiledDestination>>;
  if (platform === 'ios') return byPlatform.ios ?? byPlatform.default;
  if (platform === 'android') return byPlatform.android ?? byPlatform.default;
  return byPlatform.default;
}
