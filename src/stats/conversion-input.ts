import { CONVERSION_DIMENSIONS } from './conversion-query.ts';
import type { ParsedQuery } from './query-input.ts';
import { DIMENSIONS } from './query.ts';

// Dimensions the click rollups keep and the conversion rollups do not.
const CLICK_ONLY = DIMENSIONS.filter((d) => !(CONVERSION_DIMENSIONS as readonly string[]).includes(d));

/** The field a conversions query cannot take, if any (the API and the CLI refuse it alike). */
export function conversionQueryProblem(input: ParsedQuery): { field: string; message: string } | undefined {
  for (const dim of CLICK_ONLY) {
    if (input[dim]) return { field: dim, message: 'is not kept for conversions; filter by link, campaign, network, platform or country' };
  }
  if (input.group_by && !(CONVERSION_DIMENSIONS as readonly string[]).includes(input.group_by)) {
    return { field: 'group_by', message: `must be one of ${CONVERSION_DIMENSIONS.join(', ')} with metric=conversions` };
  }
  return undefined;
}

/** The event names of `event=install,purchase`; undefined: every event. */
export function eventsOf(input: ParsedQuery): string[] | undefined {
  return input.event ? input.event.split(',').map((e) => e.trim()).filter((e) => e !== '') : undefined;
}
