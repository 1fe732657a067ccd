import { weekdays, type Weekday } from '@nxg/contracts';
import { DateTime } from 'luxon';

/** A reminder that repeats at a local time on some weekdays, or on listed dates, in one time zone. */
export interface RepeatingTime {
  /** `HH:MM`, local. */
  time: string;
  weekdays: Weekday[];
  timezone: string;
  /** Instead of weekdays: these local dates (`YYYY-MM-DD`), each at its own `HH:MM` (a meal plan's days). */
  dates?: Record<string, string>;
}

/** Luxon's weekday numbers: Monday 1 … Sunday 7. */
const weekdayNumber = (day: Weekday) => weekdays.indexOf(day) + 1;

/** How a plan's training days spread over the week when the member named none (3 → Mon, Wed, Fri). */
const SPREADS: Record<number, Weekday[]> = {
  1: ['mon'],
  2: ['mon', 'thu'],
  3: ['mon', 'wed', 'fri'],
  4: ['mon', 'tue', 'thu', 'fri'],
  5: ['mon', 'tue', 'wed', 'thu', 'fri'],
  6: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
  7: [...weekdays],
};

export const trainingWeekdays = (daysPerWeek: number): Weekday[] =>
  SPREADS[Math.min(7, Math.max(1, Math.round(daysPerWeek)))]!;

/** The instant `time` on the local calendar day `day` (a gap in a DST change moves it forward). */
function atLocalTime(day: DateTime, time: string): DateTime {
  return day.set({
    hour: Number(time.slice(0, 2)),
    minute: Number(time.slice(3, 5)),
    second: 0,
    millisecond: 0,
  });
}

/** Occurrences on the local days around `instant`, in order; a week and a day each side covers every weekday. */
function occurrencesAround(r: RepeatingTime, instant: Date): DateTime[] {
  if (r.dates)
    return Object.entries(r.dates)
      .map(([date, time]) => atLocalTime(DateTime.fromISO(date, { zone: r.timezone }), time))
      .filter((t) => t.isValid)
      .sort((a, b) => a.toMillis() - b.toMillis());
  const days = new Set(r.weekdays.map(weekdayNumber));
  const today = DateTime.fromJSDate(instant, { zone: r.timezone }).startOf('day');
  const found: DateTime[] = [];
  for (let offset = -8; offset <= 8; offset++) {
    const day = today.plus({ days: offset });
    if (days.has(day.weekday)) found.push(atLocalTime(day, r.time));
  }
  return found;
}

/** The first occurrence strictly after `after`. */
export function nextOccurrence(r: RepeatingTime, after: Date): Date | undefined {
  return occurrencesAround(r, after)
    .find((t) => t.toMillis() > after.getTime())
    ?.toJSDate();
}

/** The last occurrence at or before `at`, with its local date (the reminder's key for that day). */
export function latestOccurrence(r: RepeatingTime, at: Date): { at: Date; localDate: string } | undefined {
  const found = occurrencesAround(r, at)
    .filter((t) => t.toMillis() <= at.getTime())
    .at(-1);
  return found ? { at: found.toJSDate(), localDate: found.toISODate()! } : undefined;
}
