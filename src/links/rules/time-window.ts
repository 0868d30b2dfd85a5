import { WEEKDAYS, type TimeWindow, type Weekday } from './rule-schema.ts';

export interface CompiledTimeWindow {
  fromMs: number | undefined;
  untilMs: number | undefined;
  days: ReadonlySet<Weekday> | undefined;
  /** Minutes since midnight in the zone. */
  hours: { from: number; to: number } | undefined;
  zone: string;
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

export function compileTimeWindow(window: TimeWindow): CompiledTimeWindow {
  return {
    fromMs: window.from === undefined ? undefined : Date.parse(window.from),
    untilMs: window.until === undefined ? undefined : Date.parse(window.until),
    days: window.days ? new Set(window.days) : undefined,
    hours: window.hours ? { from: minutesOf(window.hours.from), to: minutesOf(window.hours.to) } : undefined,
    zone: window.timezone ?? 'UTC',
  };
}

// Building a formatter costs far more than using one; a deployment has a handful of zones.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, f);
  }
  return f;
}

const WEEKDAY_BY_SHORT: Record<string, Weekday> = Object.fromEntries(WEEKDAYS.map((d) => [d[0]?.toUpperCase() + d.slice(1), d]));

// formatToParts costs microseconds, and a click path asks once per rule per click: the
// answer is the same for a whole UTC minute (zone offsets are whole minutes), so it is
// kept per zone for the minute.
const clockCache = new Map<string, { minuteMs: number; clock: { day: Weekday; minute: number } }>();

/** Weekday and minute of the day at `nowMs` in `zone`. */
export function localClock(nowMs: number, zone: string): { day: Weekday; minute: number } {
  const minuteMs = Math.floor(nowMs / 60_000);
  const cached = clockCache.get(zone);
  if (cached?.minuteMs === minuteMs) return cached.clock;
  const clock = computeLocalClock(nowMs, zone);
  clockCache.set(zone, { minuteMs, clock });
  return clock;
}

function computeLocalClock(nowMs: number, zone: string): { day: Weekday; minute: number } {
  let day: Weekday = 'mon';
  let hour = 0;
  let minute = 0;
  for (const part of formatter(zone).formatToParts(nowMs)) {
    if (part.type === 'weekday') day = WEEKDAY_BY_SHORT[part.value] ?? day;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

const clockText = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Whether `nowMs` is inside the window; the click path's question, with no message built. */
export function inTimeWindow(window: CompiledTimeWindow, nowMs: number): boolean {
  if (window.fromMs !== undefined && nowMs < window.fromMs) return false;
  if (window.untilMs !== undefined && nowMs >= window.untilMs) return false;
  if (window.days === undefined && window.hours === undefined) return true;
  const local = localClock(nowMs, window.zone);
  if (window.days && !window.days.has(local.day)) return false;
  if (!window.hours) return true;
  const { from, to } = window.hours;
  return from < to ? local.minute >= from && local.minute < to : local.minute >= from || local.minute < to;
}

/** Null when `nowMs` is inside the window, else why not (for explain). */
export function timeWindowMiss(window: CompiledTimeWindow, nowMs: number): string | null {
  if (window.fromMs !== undefined && nowMs < window.fromMs) return `time ${new Date(nowMs).toISOString()} is before ${new Date(window.fromMs).toISOString()}`;
  if (window.untilMs !== undefined && nowMs >= window.untilMs) return `time ${new Date(nowMs).toISOString()} is not before ${new Date(window.untilMs).toISOString()}`;
  if (window.days === undefined && window.hours === undefined) return null;
  const local = localClock(nowMs, window.zone);
  if (window.days && !window.days.has(local.day)) return `day ${local.day} (${window.zone}) is not one of ${[...window.days].join(', ')}`;
  if (window.hours) {
    const { from, to } = window.hours;
    // `to` before `from` is a window across midnight, e.g. 22:00 to 06:00.
    const inside = from < to ? local.minute >= from && local.minute < to : local.minute >= from || local.minute < to;
    if (!inside) return `local time ${clockText(local.minute)} (${window.zone}) is outside ${clockText(from)}-${clockText(to)}`;
  }
  return null;
}
