/**
 * String-level query editing for redirect targets. Store URLs and marketers' landing pages
 * are passed on byte for byte apart from what we add: re-serialising through `URL` would
 * re-encode parameters the target's owner wrote on purpose, and costs far more per click.
 */

export interface UrlParts {
  /** Everything before `?` (or before `#` when there is no query). */
  base: string;
  /** The query without its `?`; null when the URL has none. */
  query: string | null;
  /** `#...` or empty. */
  fragment: string;
}

export function splitUrl(url: string): UrlParts {
  const hash = url.indexOf('#');
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  const mark = beforeHash.indexOf('?');
  if (mark === -1) return { base: beforeHash, query: null, fragment };
  return { base: beforeHash.slice(0, mark), query: beforeHash.slice(mark + 1), fragment };
}

export function joinUrl(parts: UrlParts): string {
  return parts.query === null ? parts.base + parts.fragment : `${parts.base}?${parts.query}${parts.fragment}`;
}

/** Decodes one query component the way browsers and URLSearchParams do; a broken escape stays raw. */
export function decodeComponent(text: string): string {
  const plus = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** The decoded key of one `key=value` piece. */
export function pairKey(pair: string): string {
  const eq = pair.indexOf('=');
  return decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
}

/** The decoded value of one `key=value` piece (empty for a bare key). */
export function pairValue(pair: string): string {
  const eq = pair.indexOf('=');
  return eq === -1 ? '' : decodeComponent(pair.slice(eq + 1));
}

/** The non-empty `&`-separated pieces of a query, as written. */
export function queryPairs(query: string | null): string[] {
  return query === null || query === '' ? [] : query.split('&').filter((pair) => pair !== '');
}

export function queryKeys(query: string | null): Set<string> {
  return new Set(queryPairs(query).map(pairKey));
}

/** Appends already-encoded pairs to the URL's query, keeping its fragment last. */
export function appendPairs(url: string, pairs: readonly string[]): string {
  if (pairs.length === 0) return url;
  const parts = splitUrl(url);
  const added = pairs.join('&');
  const query = parts.query === null || parts.query === '' ? added : `${parts.query}${parts.query.endsWith('&') ? '' : '&'}${added}`;
  return joinUrl({ ...parts, query });
}
