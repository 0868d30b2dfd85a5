/** At most this many preferences are read: real browsers send a handful. */
const MAX_PREFERENCES = 20;

// A campaign's visitors send a few hundred distinct headers; parsing one costs about a
// microsecond, a map lookup a tenth of that. Cleared when full rather than kept in order:
// a flood of junk headers costs a re-parse, never memory.
const parsed = new Map<string, string[]>();
const PARSED_MAX = 2_000;

/** As `acceptedLanguages`, remembered per header value (callers must not change the list). */
export function acceptedLanguagesCached(header: string | undefined | null): readonly string[] {
  if (!header) return [];
  let languages = parsed.get(header);
  if (languages === undefined) {
    languages = acceptedLanguages(header);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(header, languages);
  }
  return languages;
}

/**
 * The languages a visitor accepts, lower case, most preferred first, without those
 * refused with `q=0` and without `*`. Malformed entries are skipped rather than failing
 * the click: the header is the visitor's to write.
 */
export function acceptedLanguages(header: string | undefined | null): string[] {
  if (!header) return [];
  const entries: { tag: string; q: number; order: number }[] = [];
  const parts = header.split(',', MAX_PREFERENCES);
  for (let i = 0; i < parts.length; i++) {
    const [rawTag = '', ...params] = (parts[i] as string).split(';');
    const tag = rawTag.trim().toLowerCase();
    if (tag === '' || tag === '*' || !/^[a-z]{1,8}(-[a-z0-9]{1,8})*$/.test(tag)) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim() === 'q') q = Number(value);
    }
    if (!(q > 0 && q <= 1)) continue;
    entries.push({ tag, q, order: i });
  }
  entries.sort((a, b) => b.q - a.q || a.order - b.order);
  return entries.map((e) => e.tag);
}

/** `de` matches `de` and `de-AT`; `pt-br` matches `pt-br` and `pt-br-x`, never `pt`. */
export function languageMatches(accepted: string, wanted: string): boolean {
  return accepted === wanted || accepted.startsWith(`${wanted}-`);
}
