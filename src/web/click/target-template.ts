/**
 * Targets may carry placeholders filled in per click:
 *
 *   {click_id} {slug} {campaign} {platform} {adid} {q:name}
 *
 * `{q:name}` is the visitor's query parameter `name`. Every value is percent-encoded, so a
 * value can add neither a parameter (`&`), a fragment (`#`), nor a path or host (`/`, `@`,
 * `:`). Placeholders in the scheme or host are never expanded: a value there would pick the
 * host the visitor is sent to. Unknown placeholders stay as written, so a typo shows up in
 * the redirect instead of silently vanishing.
 */

export interface TemplateValues {
  clickId: string;
  slug: string;
  campaign: string | null;
  platform: string;
  /** The normalised advertising id, when the click carried a valid one. */
  adid: string | undefined;
  query: Record<string, string>;
}

type Placeholder = { kind: 'click_id' | 'slug' | 'campaign' | 'platform' | 'adid' } | { kind: 'q'; name: string };

/** Literal text and placeholders, alternating as written. */
export type CompiledTemplate = ReadonlyArray<string | Placeholder>;

const PLACEHOLDER = /\{(click_id|slug|campaign|platform|adid|q:([A-Za-z0-9_.~[\]-]{1,64}))\}/g;

/** Where expansion may start: after `scheme://authority`. -1 when the target has no authority. */
function pathStart(target: string): number {
  const scheme = target.indexOf('://');
  if (scheme === -1) return -1;
  for (let i = scheme + 3; i < target.length; i++) {
    const ch = target[i];
    if (ch === '/' || ch === '?' || ch === '#') return i;
  }
  return target.length;
}

/** Null when the target has nothing to expand, which is nearly always: callers skip the work. */
export function compileTemplate(target: string): CompiledTemplate | null {
  if (!target.includes('{')) return null;
  const start = pathStart(target);
  if (start === -1) return null;
  const parts: Array<string | Placeholder> = [];
  let literalFrom = 0;
  PLACEHOLDER.lastIndex = start;
  for (let m = PLACEHOLDER.exec(target); m !== null; m = PLACEHOLDER.exec(target)) {
    parts.push(target.slice(literalFrom, m.index));
    const name = m[2];
    parts.push(name === undefined ? { kind: m[1] as Exclude<Placeholder['kind'], 'q'> } : { kind: 'q', name });
    literalFrom = m.index + m[0].length;
  }
  if (parts.length === 0) return null;
  parts.push(target.slice(literalFrom));
  return parts;
}

function placeholderValue(placeholder: Placeholder, values: TemplateValues): string {
  switch (placeholder.kind) {
    case 'click_id':
      return values.clickId;
    case 'slug':
      return values.slug;
    case 'campaign':
      return values.campaign ?? '';
    case 'platform':
      return values.platform;
    case 'adid':
      return values.adid ?? '';
    case 'q':
      return Object.hasOwn(values.query, placeholder.name) ? (values.query[placeholder.name] as string) : '';
  }
}

export function expandTemplate(template: CompiledTemplate, values: TemplateValues): string {
  let out = '';
  for (const part of template) {
    // toWellFormed: a lone surrogate from a visitor would make encodeURIComponent throw.
    out += typeof part === 'string' ? part : encodeURIComponent(placeholderValue(part, values).toWellFormed());
  }
  return out;
}
