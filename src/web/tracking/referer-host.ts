/**
 * The host of a `Referer` header, lower-cased, without port, path or query: the statistics
 * need where a visitor came from, never the full URL (it may carry someone's ids). Runs for
 * every click, so it scans the string instead of building a URL object; anything that does
 * not look like `scheme://host...` gives ''.
 */
export function refererHost(referer: string | undefined): string {
  if (!referer) return '';
  const scheme = referer.indexOf('://');
  if (scheme <= 0 || scheme > 16) return '';
  let start = scheme + 3;
  let end = start;
  while (end < referer.length) {
    const ch = referer.charCodeAt(end);
    // '/', '?', '#' end the authority; '@' means user info came first.
    if (ch === 47 || ch === 63 || ch === 35) break;
    if (ch === 64) start = end + 1;
    end++;
  }
  let host = referer.slice(start, end);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    host = close > 0 ? host.slice(0, close + 1) : '';
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) host = host.slice(0, colon);
  }
  if (host.length > 253 || !/^[A-Za-z0-9.\-[\]:]+$/.test(host)) return '';
  return host.toLowerCase();
}
