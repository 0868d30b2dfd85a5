import type { LinkRecord } from '../../../links/link-store.ts';
import type { Destination, Rule } from '../../../links/rules/rule-schema.ts';
import type { FormValues } from '../views/link-form.ts';

/**
 * The rules editor's form: one block of inputs per rule (`rules.<n>.<field>`), turned into
 * the API's shape for the API's own schema, so the form refuses exactly what the API does.
 * A destination box holds one URL, or one variant per line: `<weight> <url> [name]`.
 */

export const RULE_PLATFORMS = ['ios', 'android', 'web'] as const;
export const RULE_DEVICES = ['phone', 'tablet', 'desktop', 'tv'] as const;
export const DESTINATIONS = ['all', 'ios', 'android', 'default'] as const;
const RULE_TEXT_FIELDS = ['name', 'countries', 'languages', 'query', 'ips', 'from', 'until', 'days', 'hours', 'timezone', ...DESTINATIONS.map((d) => `target.${d}`)];

const list = (text: string | undefined) => (text ?? '').split(/[\s,]+/).filter((s) => s !== '');
const blankToUndefined = (text: string | undefined) => (text?.trim() ? text.trim() : undefined);

/** How many rule blocks the posted form holds (the highest `rules.<n>.` seen, plus one). */
export function ruleCount(values: FormValues): number {
  let count = 0;
  for (const key of Object.keys(values)) {
    const m = /^rules\.(\d{1,2})\./.exec(key);
    if (m) count = Math.max(count, Number(m[1]) + 1);
  }
  return count;
}

function destinationFromText(text: string | undefined): Destination | undefined | string {
  const lines = (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return undefined;
  if (lines.length === 1 && !/^\S+\s+\S/.test(lines[0] as string)) return lines[0];
  return lines.map((line) => {
    const [weight = '', url = '', name] = line.split(/\s+/);
    const w = /^\d+$/.test(weight) ? Number(weight) : weight;
    return { url, weight: w as number, ...(name ? { name } : {}) };
  });
}

function destinationToText(d: Destination | undefined): string {
  if (d === undefined) return '';
  if (typeof d === 'string') return d;
  return d.map((v) => `${v.weight} ${v.url}${v.name ? ` ${v.name}` : ''}`).join('\n');
}

function ruleFromValues(values: FormValues, n: number): Record<string, unknown> {
  const v = (field: string) => values[`rules.${n}.${field}`];
  const when: Record<string, unknown> = {};
  if (list(v('countries')).length) when.countries = list(v('countries'));
  if (list(v('languages')).length) when.languages = list(v('languages'));
  const platforms = RULE_PLATFORMS.filter((p) => v(`platform.${p}`) === 'on');
  if (platforms.length) when.platforms = platforms;
  const devices = RULE_DEVICES.filter((d) => v(`device.${d}`) === 'on');
  if (devices.length) when.devices = devices;
  const query = list(v('query')).map((pair) => {
    const eq = pair.indexOf('=');
    return eq === -1 ? { param: pair, present: true } : { param: pair.slice(0, eq), equals: pair.slice(eq + 1) };
  });
  if (query.length) when.query = query;
  if (list(v('ips')).length) when.ips = list(v('ips'));
  const time: Record<string, unknown> = {};
  if (blankToUndefined(v('from'))) time.from = blankToUndefined(v('from'));
  if (blankToUndefined(v('until'))) time.until = blankToUndefined(v('until'));
  if (list(v('days')).length) time.days = list(v('days')).map((d) => d.toLowerCase());
  const hours = blankToUndefined(v('hours'));
  if (hours) {
    const [from = '', to = ''] = hours.split(/\s*-\s*/);
    time.hours = { from, to };
  }
  if (blankToUndefined(v('timezone'))) time.timezone = blankToUndefined(v('timezone'));
  if (Object.keys(time).length) when.time = time;

  const rule: Record<string, unknown> = { when };
  const name = blankToUndefined(v('name'));
  if (name) rule.name = name;
  const all = destinationFromText(v('target.all'));
  if (all !== undefined) rule.target = all;
  else {
    const targets: Record<string, unknown> = {};
    for (const p of ['ios', 'android', 'default'] as const) {
      const d = destinationFromText(v(`target.${p}`));
      if (d !== undefined) targets[p] = d;
    }
    if (Object.keys(targets).length) rule.targets = targets;
  }
  return rule;
}

/** The schedule, limit and rules as an update body; an empty box clears its field. */
export function rulesFormToInput(values: FormValues): Record<string, unknown> {
  const text = (name: string) => blankToUndefined(values[name]) ?? null;
  const max = text('max_clicks');
  return {
    starts_at: text('starts_at'),
    expires_at: text('expires_at'),
    expired_url: text('expired_url'),
    max_clicks: max === null ? null : /^\d+$/.test(max) ? Number(max) : max,
    rules: Array.from({ length: ruleCount(values) }, (_, n) => ruleFromValues(values, n)),
  };
}

function ruleToValues(rule: Rule, n: number, out: FormValues): void {
  const set = (field: string, value: string | undefined) => {
    out[`rules.${n}.${field}`] = value ?? '';
  };
  const { when } = rule;
  set('name', rule.name);
  set('countries', when.countries?.join(', '));
  set('languages', when.languages?.join(', '));
  for (const p of when.platforms ?? []) set(`platform.${p}`, 'on');
  for (const d of when.devices ?? []) set(`device.${d}`, 'on');
  set('query', when.query?.map((q) => (q.present ? q.param : `${q.param}=${q.equals}`)).join(', '));
  set('ips', when.ips?.join(', '));
  set('from', when.time?.from);
  set('until', when.time?.until);
  set('days', when.time?.days?.join(', '));
  set('hours', when.time?.hours ? `${when.time.hours.from}-${when.time.hours.to}` : undefined);
  set('timezone', when.time?.timezone);
  set('target.all', destinationToText(rule.target));
  for (const p of ['ios', 'android', 'default'] as const) set(`target.${p}`, destinationToText(rule.targets?.[p]));
}

export function linkToRulesValues(link: LinkRecord): FormValues {
  const values: FormValues = {
    starts_at: link.startsAt?.toISOString() ?? '',
    expires_at: link.expiresAt?.toISOString() ?? '',
    expired_url: link.expiredUrl ?? '',
    max_clicks: link.maxClicks === null ? '' : String(link.maxClicks),
  };
  for (const [n, rule] of (link.rules ?? []).entries()) ruleToValues(rule, n, values);
  return values;
}

function blockOf(values: FormValues, n: number): FormValues {
  const block: FormValues = {};
  const prefix = `rules.${n}.`;
  for (const [key, value] of Object.entries(values)) if (key.startsWith(prefix)) block[key.slice(prefix.length)] = value;
  return block;
}

/** Rewrites the rule blocks in a new order (indexes into the old blocks). */
function withBlocks(values: FormValues, order: (FormValues | null)[]): FormValues {
  const out: FormValues = {};
  for (const [key, value] of Object.entries(values)) if (!key.startsWith('rules.')) out[key] = value;
  order.forEach((block, n) => {
    if (block === null) {
      out[`rules.${n}.name`] = '';
      return;
    }
    for (const [field, value] of Object.entries(block)) out[`rules.${n}.${field}`] = value;
    out[`rules.${n}.name`] ??= '';
  });
  return out;
}

/** add, remove:<n>, up:<n>, down:<n>: edits the unsaved form; anything else: none. */
export function applyFormAction(values: FormValues, action: string): FormValues | null {
  const count = ruleCount(values);
  const blocks = Array.from({ length: count }, (_, n) => blockOf(values, n));
  if (action === 'add') return withBlocks(values, [...blocks, null]);
  const m = /^(remove|up|down):(\d{1,2})$/.exec(action);
  if (!m) return null;
  const n = Number(m[2]);
  if (n >= count) return values;
  if (m[1] === 'remove') blocks.splice(n, 1);
  const swap = (i: number, j: number) => {
    if (i < 0 || j >= count) return;
    [blocks[i], blocks[j]] = [blocks[j] as FormValues, blocks[i] as FormValues];
  };
  if (m[1] === 'up') swap(n - 1, n);
  if (m[1] === 'down') swap(n, n + 1);
  return withBlocks(values, blocks);
}

export { RULE_TEXT_FIELDS };
