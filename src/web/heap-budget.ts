import type { WebConfig } from '../config/web.ts';

// Measured (`npm run bench -- links`): the web process holds about 40 MB of live heap
// besides its link cache and click buffer; doubled for the garbage between collections.
const BASE_HEAP_MB = 80;
// A queued click line is 500-800 characters; counted generously, as a string and its slot.
const BUFFERED_LINE_BYTES = 1024;

/**
 * The link cache is counted in full although most of it (the slug table's typed arrays) is
 * outside the V8 heap: links that share no profile keep most of their bytes in it.
 *
 * Why the link cache and the click buffer, both full, would not fit the V8 heap limit (the
 * Procfile's --max-old-space-size), or undefined when they fit. A process that ran out of
 * heap would crash and lose its buffered clicks, so it had better refuse to start.
 */
export function heapShortfall(config: Pick<WebConfig, 'LINK_CACHE_MAX_MB' | 'CLICK_BUFFER_MAX_LINES'>, heapLimitBytes: number): string | undefined {
  const bufferMb = Math.ceil((config.CLICK_BUFFER_MAX_LINES * BUFFERED_LINE_BYTES) / 2 ** 20);
  const neededMb = config.LINK_CACHE_MAX_MB + bufferMb + BASE_HEAP_MB;
  const limitMb = Math.floor(heapLimitBytes / 2 ** 20);
  if (neededMb <= limitMb) return undefined;
  return (
    `LINK_CACHE_MAX_MB (${config.LINK_CACHE_MAX_MB} MB) and CLICK_BUFFER_MAX_LINES (${config.CLICK_BUFFER_MAX_LINES}, about ${bufferMb} MB) ` +
    `with ${BASE_HEAP_MB} MB for the rest need a ${neededMb} MB heap, but Node was started with a ${limitMb} MB limit: ` +
    'lower them, or raise --max-old-space-size in the Procfile (and the dyno size with it)'
  );
}
