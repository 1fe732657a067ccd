import { AnalyticsErrors } from '@nxg/contracts';
import { AppError } from '@nxg/platform';

export type Period = 'week' | 'month' | 'year';

/** A calendar period as its first and last day (inclusive), `YYYY-MM-DD`. */
export interface DateRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const iso = (date: Date) => date.toISOString().slice(0, 10);

/** `YYYY-MM-DD` as a date (midnight UTC stands for the day), or a 400 if there is no such day. */
export function parseLocalDate(text: string): Date {
  const date = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || iso(date) !== text) {
    throw new AppError(400, AnalyticsErrors.INVALID_DATE, `${text} is not a calendar date`);
  }
  return date;
}

/** The calendar day `instant` falls on in `timeZone`. */
export function dayIn(timeZone: string, instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** The calendar week (Monday to Sunday), month or year holding `day`. */
export function periodContaining(period: Period, day: string): DateRange {
  const date = parseLocalDate(day);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  if (period === 'week') {
    const monday = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * DAY_MS);
    return { from: iso(monday), to: iso(new Date(monday.getTime() + 6 * DAY_MS)) };
  }
  if (period === 'month') {
    return { from: iso(new Date(Date.UTC(y, m, 1))), to: iso(new Date(Date.UTC(y, m + 1, 0))) };
  }
  return { from: `${y}-01-01`, to: `${y}-12-31` };
}

/** Every day of a range, in order. */
export function daysOf({ from, to }: DateRange): string[] {
  const days: string[] = [];
  for (let t = parseLocalDate(from).getTime(); t <= parseLocalDate(to).getTime(); t += DAY_MS) {
    days.push(iso(new Date(t)));
  }
  return days;
}

/** The day before or after `day` by `n` days. */
export const addDays = (day: string, n: number): string =>
  iso(new Date(parseLocalDate(day).getTime() + n * DAY_MS));
