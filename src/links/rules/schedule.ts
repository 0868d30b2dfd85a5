import type { LinkRuleFields } from './link-rule-fields.ts';

export type ScheduleState = 'active' | 'not_started' | 'ended';

/** starts_at is the first instant the link redirects; expires_at the first it no longer does. */
export function scheduleState(link: Pick<LinkRuleFields, 'startsAt' | 'expiresAt'>, nowMs: number): ScheduleState {
  if (link.startsAt !== null && nowMs < link.startsAt.getTime()) return 'not_started';
  if (link.expiresAt !== null && nowMs >= link.expiresAt.getTime()) return 'ended';
  return 'active';
}
