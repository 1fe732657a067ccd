import { AnalyticsErrors, NutritionErrors } from '@nxg/contracts';
import { AppError, canonicalTimeZone } from '@nxg/platform';

/** A YYYY-MM-DD that names a real calendar day, else 400 INVALID_DATE. */
export function checkLocalDate(text: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== text)
    throw new AppError(400, AnalyticsErrors.INVALID_DATE, `${text} is not a calendar date`);
  return text;
}

/** The longest range a meal list may span. */
export const MAX_RANGE_DAYS = 366;

/** Checks `from` ≤ `to` and the span, both real days; 400 INVALID_DATE or INVALID_DATE_RANGE. */
export function checkDateRange(from: string | undefined, to: string | undefined): void {
  if (from) checkLocalDate(from);
  if (to) checkLocalDate(to);
  if (!from || !to) return;
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days < 0) throw new AppError(400, NutritionErrors.INVALID_DATE_RANGE, '`from` is after `to`');
  if (days >= MAX_RANGE_DAYS)
    throw new AppError(
      400,
      NutritionErrors.INVALID_DATE_RANGE,
      `A range spans at most ${MAX_RANGE_DAYS} days`,
    );
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

/** `day` plus `n` days. */
export function addDays(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}

/** An IANA zone the runtime knows (identity checks it; this keeps a bad copy from breaking queries). */
export function knownTimezone(timeZone: string | undefined): string {
  return (timeZone && canonicalTimeZone(timeZone)) || 'UTC';
}
